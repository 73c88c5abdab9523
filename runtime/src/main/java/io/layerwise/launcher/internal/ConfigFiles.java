package io.layerwise.launcher.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Waits at start until each {@code PID.cfg.json} of the watched folders is in force, so that a command run right
 * after the start (runtime/layerwise run ...) sees the files' settings rather than the defaults. File Install,
 * Configuration Admin and SCR hand a file on asynchronously; SCR gives a component's service the properties of its
 * configuration, File Install's file name among them, once the component has taken it: that is the sign looked for.
 * A file no component takes within the wait (a PID nothing reads, or one that is no valid JSON) is named in one line.
 */
public final class ConfigFiles {
    static final String SUFFIX = ".cfg.json";
    private static final String FILE = "felix.fileinstall.filename";

    private ConfigFiles() {
    }

    /** Waits up to {@code millis} for every file to be in force; returns those that are not. */
    public static List<Path> awaitInForce(BundleContext context, String watchedDirs, long millis, Consumer<String> out)
            throws InterruptedException {
        List<Path> waiting = files(watchedDirs);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            waiting.removeIf(f -> inForce(context, f));
            if (!waiting.isEmpty()) {
                Thread.sleep(20);
            }
        }
        for (Path f : waiting) {
            out.accept(f + ": not in force " + millis / 1000 + " s after the start: no component reads PID "
                    + pid(f) + ", or the file is no valid JSON (said above)");
        }
        return waiting;
    }

    static String pid(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - SUFFIX.length());
    }

    static List<Path> files(String watchedDirs) {
        List<Path> found = new ArrayList<>();
        for (String dir : Arrays.stream(watchedDirs.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            try (Stream<Path> s = Files.list(Path.of(dir))) {
                s.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p)).sorted()
                        .forEach(found::add);
            } catch (IOException e) {
                // a folder that is not there (yet): nothing to wait for
            }
        }
        return found;
    }

    /** Whether a service carries the file's name; compared as real paths, as File Install may canonicalize. */
    private static boolean inForce(BundleContext context, Path file) {
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(null, "(" + FILE + "=*)");
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return true; // the framework stopping: nothing to wait for
        }
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            try {
                if (ref.getProperty(FILE) instanceof String uri && uri.startsWith("file:")
                        && Path.of(URI.create(uri)).toRealPath().equals(file.toRealPath())) {
                    return true;
                }
            } catch (IOException | IllegalArgumentException e) {
                // a file gone meanwhile, or a name that is no path: not this one
            }
        }
        return false;
    }
}
