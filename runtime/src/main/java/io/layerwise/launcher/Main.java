package io.layerwise.launcher;

import io.layerwise.launcher.internal.ClassArchive;
import io.layerwise.launcher.internal.CommandLine;
import io.layerwise.launcher.internal.Flavours;
import io.layerwise.launcher.internal.OpenBlasCoretype;
import io.layerwise.launcher.internal.StartPhases;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code layerwise [--backend=F] [exec "CMD" | run|resume|bench|eval|encode|reconstruct ARGS | help]}; no command opens the
 * interactive Gogo shell. Started by the {@code runtime/layerwise} script.
 */
public final class Main {

    /** The backend's verdict file and this kernel's key in it, passed on by runtime/layerwise. */
    static final String VERDICTS = "layerwise.blas.verdicts";
    static final String VERDICT_KEY = "layerwise.blas.verdict.key";
    private static final long VERDICT_WAIT_NS = 180_000_000_000L;
    /** The backend's framework property (io.layerwise.backend's BackendComponent.LOAD_DELAY_MS) and its value here. */
    static final String BACKEND_LOAD_DELAY_MS = "layerwise.backend.loadDelayMs";
    static final long INTERACTIVE_LOAD_DELAY_MS = 500;

    private Main() {
    }

    public static void main(String[] args) {
        // pictures are drawn off-screen (report bundle); never reach for a display, even where DISPLAY is set
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // exit explicitly: ND4J's native thread pools would otherwise keep the JVM alive
        System.exit(run(args));
    }

    static int run(String[] args) {
        StartPhases phases = new StartPhases();
        ClassArchive.checkInUse(System.getProperty(ClassArchive.PROPERTY), Path.of("/proc/self/maps"))
                .ifPresent(note -> System.err.println("layerwise: " + note));
        CommandLine cl;
        try {
            cl = CommandLine.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (cl.help()) {
            System.out.println(CommandLine.USAGE);
            return 0;
        }
        boolean debug = "1".equals(System.getenv("LAYERWISE_DEBUG"));
        long t0 = System.nanoTime();
        Platform platform;
        try {
            platform = Platform.start(distDir(), extraProperties(cl), phases);
        } catch (Exception e) {
            System.err.println("layerwise: cannot start: " + e.getMessage());
            if (debug) {
                e.printStackTrace();
            }
            return 1;
        }
        ClassArchive.markStarted(System.getProperty(ClassArchive.STARTED_PROPERTY));
        if (debug) {
            System.err.printf("layerwise: framework ready in %d ms (%s: %s)%n", (System.nanoTime() - t0) / 1_000_000,
                    platform.context().getProperty(Platform.FLAVOUR), platform.context().getProperty(Platform.REASON));
        }
        try {
            if (kernelFailedItsSelfTest()) {
                return OpenBlasCoretype.RETRY;
            }
            if (cl.interactive()) {
                platform.waitForStop();
                return 0;
            }
            int status = platform.exec(cl.command(), System.out, System.err);
            phases.mark("command");
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } finally {
            platform.stop();
            if (debug && !cl.interactive()) {
                phases.mark("stop");
                System.err.println("layerwise: " + phases);
            }
        }
    }

    /**
     * Under a kernel not yet checked on this CPU ({@code layerwise.blas.verified=false}, set by runtime/layerwise),
     * waits for the backend's BLAS self-test verdict in the verdict file. True when it failed: the caller exits with
     * {@link OpenBlasCoretype#RETRY} and the script starts again under the next kernel, which the verdict now rules
     * out. Once checked, later starts do not wait.
     */
    static boolean kernelFailedItsSelfTest() throws InterruptedException {
        String file = System.getProperty(VERDICTS);
        String key = System.getProperty(VERDICT_KEY);
        if (file == null || key == null || !"false".equals(System.getProperty("layerwise.blas.verified"))) {
            return false;
        }
        long deadline = System.nanoTime() + VERDICT_WAIT_NS;
        while (System.nanoTime() < deadline) {
            String verdict = OpenBlasCoretype.verdicts(Path.of(file)).map(p -> p.getProperty(key)).orElse(null);
            if (verdict != null) {
                if (verdict.equals("pass")) {
                    return false;
                }
                System.err.println("layerwise: OpenBLAS kernel " + key.substring(key.lastIndexOf('.') + 1)
                        + " gets " + verdict.replaceFirst("^fail wrong: ", "")
                        + " wrong on this CPU; starting again with the next kernel");
                return true;
            }
            Thread.sleep(50);
        }
        return false; // no verdict (backend absent?): the engine still refuses to compute on a failed check
    }

    private static Map<String, String> extraProperties(CommandLine cl) throws IOException {
        Map<String, String> extra = new HashMap<>();
        copySystemProperty(extra, Platform.HOME);
        copySystemProperty(extra, Platform.CWD);
        copySystemProperty(extra, VERDICTS);
        copySystemProperty(extra, VERDICT_KEY);
        copySystemProperty(extra, "layerwise.blas.fallback");
        copySystemProperty(extra, "layerwise.blas.selftest.fault");
        if (cl.web()) {
            extra.put(CommandLine.WEB_PROPERTY, "true");
        }
        if (cl.backend() != null) {
            Flavours.Choice choice = Flavours.choose(Files.readString(Path.of("/proc/cpuinfo")), cl.backend(), "--backend");
            extra.put(Platform.FLAVOUR, choice.flavour());
            extra.put(Platform.REASON, choice.reason());
        }
        if (cl.interactive()) {
            extra.put("gosh.args", "");
        }
        // The prompt first: the backend's ND4J load (half a second of both cores) waits that long, unless a command
        // asks for ND4J sooner (docs/performance.md, "Start: ND4J loads after the prompt"); a listing under exec so
        // ends without loading it. Not while a new kernel's self-test verdict is awaited, nor in an exec start that
        // writes the class-data archive, which should hold ND4J's classes for the starts that compute. A system
        // property of the same name sets another wait.
        boolean waitForNd4j = cl.interactive()
                || (cl.onlyLists() && System.getProperty(ClassArchive.STARTED_PROPERTY) == null);
        if (waitForNd4j && !"false".equals(System.getProperty("layerwise.blas.verified"))) {
            extra.put(BACKEND_LOAD_DELAY_MS,
                    System.getProperty(BACKEND_LOAD_DELAY_MS, String.valueOf(INTERACTIVE_LOAD_DELAY_MS)));
        }
        if (terminal()) {
            extra.put(Platform.TTY, "true"); // layerwise:run redraws the epoch's line in place; else plain lines
        }
        return extra;
    }

    /**
     * Whether standard input and output are a terminal: Java 17 has a console only then; from Java 22 on, a console
     * exists anyway and {@code isTerminal()} tells.
     */
    static boolean terminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static void copySystemProperty(Map<String, String> extra, String key) {
        String value = System.getProperty(key);
        if (value != null) {
            extra.put(key, value);
        }
    }

    /** {@code layerwise.dist}, else the parent of the bin/ directory this jar sits in. */
    private static Path distDir() throws URISyntaxException {
        String dist = System.getProperty(Platform.DIST);
        if (dist != null) {
            return Path.of(dist);
        }
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().getParent();
    }
}
