package io.layerwise.launcher.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * FileInstall's messages (it logs to {@code java.util.logging} logger {@value #LOGGER} with
 * {@code felix.fileinstall.log.default=jul}) as one line each, the exception's root cause and where it was thrown
 * instead of a stack trace. A bundle's start failure is not printed here but kept for {@link StartFailures}, which
 * reports it once per version of the bundle's file: FileInstall printed its trace again whenever other bundles came
 * or went, and nothing at all when a new version of the file failed the same way.
 */
final class FileInstallLog extends Handler {
    /** The logger FileInstall writes to. */
    static final String LOGGER = "fileinstall";
    static final String START_FAILED = "Error while starting bundle: ";

    /** What FileInstall's last start of the bundle at a location threw, and the bundle's modification time then. */
    private record Failure(long lastModified, Throwable thrown) {
    }

    private final Function<String, Long> lastModified;
    private final List<String> watched;
    private final Consumer<String> out;
    private final Consumer<Throwable> traces;
    private final Map<String, Failure> startFailures = new HashMap<>();

    /**
     * @param lastModified the modification time of the bundle installed from a location in this framework, or null
     * @param watched the watched folders, so that messages about another framework's folders are left to it
     * @param out receives each line
     * @param traces receives the exception behind a line
     */
    FileInstallLog(Function<String, Long> lastModified, List<Path> watched, Consumer<String> out,
            Consumer<Throwable> traces) {
        this.lastModified = lastModified;
        this.watched = watched.stream().map(Path::toString).toList();
        this.out = out;
        this.traces = traces;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        String message = record.getMessage();
        Throwable thrown = record.getThrown();
        if (message == null) {
            return;
        }
        if (message.startsWith(START_FAILED)) {
            String location = message.substring(START_FAILED.length());
            Long modified = lastModified.apply(location);
            if (modified != null && thrown != null) { // else another framework's bundle
                startFailures.put(location, new Failure(modified, thrown));
            }
            return;
        }
        if (message.contains("/") && watched.stream().noneMatch(message::contains)) {
            return; // about another framework's folder
        }
        out.accept(message + (thrown == null ? "" : ": " + cause(thrown)));
        if (thrown != null) {
            traces.accept(thrown);
        }
    }

    /**
     * What FileInstall's start of the bundle at {@code location} threw when the bundle's modification time was
     * {@code modified} (that version of its file), or null if FileInstall logged no failure of that version.
     */
    synchronized Throwable startFailure(String location, long modified) {
        Failure f = startFailures.get(location);
        return f != null && f.lastModified() == modified ? f.thrown() : null;
    }

    /** The path of a {@code file:} location, else null. */
    static Path fileOf(String location) {
        try {
            return Path.of(URI.create(location));
        } catch (RuntimeException e) { // not a URI, or not a file: one (reference:, test:, "System Bundle")
            return null;
        }
    }

    /**
     * The innermost cause's message, with its class and the frame that threw it when it is not the exception itself
     * (a bundle's activator failing inside the framework's BundleException): {@code boom (IllegalStateException at
     * org.example.Activator.start(Activator.java:12))}.
     */
    static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null || root.getMessage().isBlank() ? root.getClass().getName()
                : root.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        if (root == e) {
            return m;
        }
        StackTraceElement[] frames = root.getStackTrace();
        return m + " (" + root.getClass().getSimpleName() + (frames.length == 0 ? "" : " at " + frames[0]) + ")";
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
