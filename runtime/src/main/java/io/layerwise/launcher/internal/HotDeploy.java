package io.layerwise.launcher.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * What a user sees of hot deployment (FileInstall watching {@code felix.fileinstall.dir}), one line each: a jar that is
 * no bundle, named once per version of its file ({@link DeployWatch}); a bundle that did not start, once per version of
 * its file ({@link StartFailures}); FileInstall's other messages ({@link FileInstallLog}). Started before FileInstall,
 * so that its first scan is reported too; looks every {@code felix.fileinstall.poll} milliseconds.
 */
public final class HotDeploy implements AutoCloseable {
    /** Framework property making FileInstall log through {@code java.util.logging}, where {@link FileInstallLog} reads. */
    public static final String LOG_DEFAULT = "felix.fileinstall.log.default";

    // java.util.logging holds loggers weakly: without this reference the handler could vanish with a collected logger
    private final Logger logger;
    private final FileInstallLog log;
    private final ScheduledExecutorService timer;

    private HotDeploy(Logger logger, FileInstallLog log, ScheduledExecutorService timer) {
        this.logger = logger;
        this.log = log;
        this.timer = timer;
    }

    /**
     * Starts reporting for the framework of {@code context} configured by {@code props}; each report is a line to
     * {@code out}, and {@code traces} gets the exception behind a line.
     */
    public static HotDeploy start(BundleContext context, Map<String, String> props, Consumer<String> out,
            Consumer<Throwable> traces) {
        String dirs = props.getOrDefault("felix.fileinstall.dir", "");
        List<Path> watched = Arrays.stream(dirs.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of)
                .toList();
        Logger logger = Logger.getLogger(FileInstallLog.LOGGER);
        logger.setUseParentHandlers(false); // the console handler of the root logger would print every trace again
        FileInstallLog log = new FileInstallLog(location -> lastModified(context, location), watched, out, traces);
        logger.addHandler(log);
        DeployWatch files = new DeployWatch(watched, out);
        StartFailures bundles = new StartFailures(context, watched, log, out, traces);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "layerwise-hot-deploy");
            t.setDaemon(true);
            return t;
        });
        long poll = pollMs(props.get("felix.fileinstall.poll"));
        timer.scheduleWithFixedDelay(() -> {
            try {
                files.scan();
                bundles.check();
            } catch (RuntimeException e) {
                // the framework stopping, or a folder that cannot be listed: the next look tries again
            }
        }, poll, poll, TimeUnit.MILLISECONDS);
        return new HotDeploy(logger, log, timer);
    }

    private static Long lastModified(BundleContext context, String location) {
        try {
            Bundle b = context.getBundle(location);
            return b == null ? null : b.getLastModified();
        } catch (IllegalStateException stopping) {
            return null;
        }
    }

    /** FileInstall's poll interval, 2 s unless set. */
    static long pollMs(String value) {
        try {
            return value == null ? 2000 : Math.max(100, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return 2000;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        logger.removeHandler(log);
    }
}
