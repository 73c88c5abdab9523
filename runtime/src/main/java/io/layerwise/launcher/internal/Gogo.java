package io.layerwise.launcher.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Runs one command line through Gogo's {@code CommandProcessor} service. The launcher reaches it
 * reflectively, through the interface class of the bundle that registered it: the launcher's class
 * path then needs no Gogo jar, and there is exactly one copy of the Gogo API in the process.
 */
public final class Gogo {

    static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    static final int INSPECT = 0; // Converter.INSPECT: the format the gosh shell prints results in
    private static final Pattern SCOPED_COMMAND = Pattern.compile("^\\s*([\\w.-]+):([\\w.-]+)(\\s|$)");

    private final BundleContext context;
    private final boolean debug;

    public Gogo(BundleContext context, boolean debug) {
        this.context = context;
        this.debug = debug;
    }

    /** Prints the command's output and result to {@code out}; on failure its message to {@code err}. */
    public int exec(String line, Path cwd, PrintStream out, PrintStream err, long timeoutMs) {
        try {
            Object processor = await(PROCESSOR, null, timeoutMs);
            awaitScopedCommand(line, timeoutMs);
            // The interface as the Gogo runtime bundle sees it: the one its service implements.
            Class<?> processorType = Class.forName(PROCESSOR, false, processor.getClass().getClassLoader());
            Method create = processorType.getMethod("createSession", InputStream.class, OutputStream.class,
                    OutputStream.class);
            Object session = create.invoke(processor, InputStream.nullInputStream(), out, err);
            Class<?> sessionType = create.getReturnType();
            try {
                sessionType.getMethod("currentDir", Path.class).invoke(session, cwd);
                Object result = sessionType.getMethod("execute", CharSequence.class).invoke(session, line);
                if (result != null) {
                    out.println(sessionType.getMethod("format", Object.class, int.class).invoke(session, result, INSPECT));
                }
                return 0;
            } finally {
                sessionType.getMethod("close").invoke(session);
                out.flush();
            }
        } catch (InvocationTargetException e) {
            return fail(line, e.getCause(), err);
        } catch (Exception e) {
            return fail(line, e, err);
        }
    }

    /**
     * A scoped command ({@code layerwise:run}) may come from a component that registers a moment after
     * the framework started (configuration arriving, dependencies binding): wait for it a little.
     */
    private void awaitScopedCommand(String line, long timeoutMs) throws Exception {
        Matcher m = SCOPED_COMMAND.matcher(line);
        if (m.find()) {
            String filter = "(&(osgi.command.scope=" + m.group(1) + ")(osgi.command.function=" + m.group(2) + "))";
            try {
                await(null, filter, timeoutMs);
            } catch (IllegalStateException timeout) {
                // Let Gogo report "Command not found" in its own words.
            }
        }
    }

    Object await(String className, String filter, long timeoutMs) throws InvalidSyntaxException, InterruptedException {
        String f = className != null ? "(objectClass=" + className + ")" : filter;
        Filter parsed = context.createFilter(f);
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, parsed, null);
        tracker.open(true);
        try {
            Object service = tracker.waitForService(timeoutMs);
            if (service == null) {
                throw new IllegalStateException("no service " + f + " after " + timeoutMs + " ms");
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    private int fail(String line, Throwable e, PrintStream err) {
        if (debug) {
            e.printStackTrace(err);
        } else {
            err.println(message(line, e));
        }
        err.flush();
        return 1;
    }

    /**
     * The one line a failed command prints. Gogo hands an {@link Error} thrown by a command on wrapped in an
     * {@link InvocationTargetException} without a message; unwrapped, running out of memory names the command and the
     * heap's limit rather than printing a class name.
     */
    static String message(String line, Throwable e) {
        Throwable t = e;
        while (t instanceof InvocationTargetException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof OutOfMemoryError) {
            String reason = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
            return "out of memory while running \"" + line.strip() + "\"" + (reason.equals("null") ? "" : ": " + reason)
                    + "; the Java heap's limit is " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB (-Xmx; more with"
                    + " LAYERWISE_JAVA_OPTS=-Xmx...)";
        }
        if (t.getMessage() != null) {
            return t.getMessage();
        }
        String name = t.getClass().getSimpleName();
        return "\"" + line.strip() + "\" failed: " + (name.isEmpty() ? t.getClass().getName() : name);
    }
}
