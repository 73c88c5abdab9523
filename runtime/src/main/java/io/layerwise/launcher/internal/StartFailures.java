package io.layerwise.launcher.internal;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Reports, once per version of its file, a bundle from a watched folder that FileInstall started (it is persistently
 * started) but that is not active: one line naming the file, the bundle and the cause. The cause is what FileInstall's
 * own start threw when it logged it ({@link FileInstallLog}); FileInstall stays silent when a new version of a file
 * fails as the last one did, and then one start of the bundle here gives the cause. A bundle is reported once it has
 * been seen failing for two checks in a row, so that FileInstall has finished with it.
 */
final class StartFailures {
    private final BundleContext context;
    private final List<Path> watched;
    private final FileInstallLog log;
    private final Consumer<String> out;
    private final Consumer<Throwable> traces;
    /** Bundle id to the version (modification time) seen failing at the last check. */
    private final Map<Long, Long> failing = new HashMap<>();
    /** "id@modified" of each bundle version reported. */
    private final Set<String> reported = new HashSet<>();

    StartFailures(BundleContext context, List<Path> watched, FileInstallLog log, Consumer<String> out,
            Consumer<Throwable> traces) {
        this.context = context;
        this.watched = watched.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.log = log;
        this.out = out;
        this.traces = traces;
    }

    /** One look at the framework's bundles. */
    void check() {
        Map<Long, Long> now = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            Path file = FileInstallLog.fileOf(b.getLocation());
            if (file == null || !watched.contains(file.toAbsolutePath().normalize().getParent()) || !failedToStart(b)) {
                continue;
            }
            long modified = b.getLastModified();
            now.put(b.getBundleId(), modified);
            String version = b.getBundleId() + "@" + modified;
            if (reported.contains(version) || !Long.valueOf(modified).equals(failing.get(b.getBundleId()))) {
                continue; // told already, or seen failing for the first time: FileInstall may still be at it
            }
            Throwable why = log.startFailure(b.getLocation(), modified);
            if (why == null) {
                why = startOnce(b);
                if (why == null) {
                    continue; // it started now, or the framework was busy with it: look again next time
                }
            }
            reported.add(version);
            out.accept(file + ": bundle " + b.getSymbolicName() + " " + b.getVersion() + " did not start: "
                    + FileInstallLog.cause(why));
            traces.accept(why);
        }
        failing.clear();
        failing.putAll(now);
    }

    /** Persistently started (FileInstall started it), yet neither active nor starting lazily; no fragment. */
    private static boolean failedToStart(Bundle b) {
        if ((b.getState() & (Bundle.INSTALLED | Bundle.RESOLVED)) == 0) {
            return false;
        }
        BundleRevision revision = b.adapt(BundleRevision.class);
        BundleStartLevel level = b.adapt(BundleStartLevel.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) == 0 && level != null
                && level.isPersistentlyStarted();
    }

    /** Starts the bundle once, transiently, for the cause of its failure: the exception, or null if it started. */
    private static Throwable startOnce(Bundle b) {
        try {
            b.start(Bundle.START_TRANSIENT | Bundle.START_ACTIVATION_POLICY);
            return null;
        } catch (BundleException e) {
            return e;
        } catch (IllegalStateException | SecurityException e) {
            return null; // uninstalled or refreshed meanwhile
        }
    }
}
