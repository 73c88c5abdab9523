package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.launcher.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * The start's second thread (io.layerwise.launcher.Platform, docs/performance.md, "Start time, per bundle"): Gogo and
 * Jetty are started beside the other bundles, Gogo's runtime before its shell (whose profile needs the runtime's
 * command tracker), and the first command runs only once every bundle is started. The ND4J runtime activates lazily,
 * on the first class loaded from it (docs/performance.md, "Start: the ND4J runtime activated on its first class
 * load"): until the backend loads ND4J it is STARTING, and its activator has run before ND4J does anything. Through the
 * real launcher, several starts, with LAYERWISE_DEBUG=1 for the order in which the bundles' starts ended.
 */
class StartLanesIT {
    private static final Pattern BUNDLE_LINE = Pattern.compile("^bundle start, ms \\(in start order\\): (.*)$",
            Pattern.MULTILINE);
    private static final String ND4J_RUNTIME = "io.layerwise.nd4j-runtime";
    private static final List<String> BESIDE = List.of("org.apache.felix.gogo.runtime",
            "org.apache.felix.gogo.command", "org.apache.felix.gogo.jline", "org.apache.felix.http.servlet-api");
    private static final String JETTY = "org.apache.felix.http.jetty";

    @Test
    void everyBundleIsStartedAtTheFirstCommandAndGogoStartsOnTheSecondThread(@TempDir Path work) throws Exception {
        for (int start = 0; start < 3; start++) {
            Path cwd = Files.createDirectories(work.resolve("run-" + start));
            Process p = Launcher.start(cwd, MnistReferenceIT.SAMPLE.toAbsolutePath(), Map.of("LAYERWISE_DEBUG", "1"),
                    "exec", "lb");
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "runtime/layerwise exec lb did not end in 150 s");
            String out = Files.readString(cwd.resolve("launch.out"));
            String err = Files.readString(cwd.resolve("launch.err"));
            assertEquals(0, p.exitValue(), err);

            List<String> states = new ArrayList<>();
            for (String line : out.split("\n")) {
                String[] cols = line.split("\\|");
                if (cols.length >= 4 && cols[0].strip().matches("\\d+") && !cols[0].strip().equals("0")) {
                    boolean fragment = cols[3].contains("natives");
                    String state = cols[1].strip();
                    states.add(state + (fragment ? " (fragment)" : ""));
                    if (cols[3].contains("ND4J runtime") && state.equals("Starting")) {
                        continue; // lazy: active once the backend's load (on its own thread) reaches it
                    }
                    boolean onDemand = cols[3].contains("Jetty"); // started by the web view when it turns on
                    assertEquals(fragment || onDemand ? "Resolved" : "Active", state, "start " + start + ": " + line);
                }
            }
            assertTrue(states.size() >= 30, "bundles listed: " + states + "\n" + out);

            Matcher m = BUNDLE_LINE.matcher(err);
            assertTrue(m.find(), err);
            List<String> ended = new ArrayList<>();
            for (String entry : m.group(1).split(", ")) {
                ended.add(entry.substring(0, entry.lastIndexOf(' ')));
            }
            for (String name : BESIDE) {
                assertTrue(ended.contains("beside: " + name), name + " started on the second thread: " + ended);
                assertFalse(ended.contains(name), name + " started twice: " + ended);
            }
            assertTrue(ended.contains(ND4J_RUNTIME), "the ND4J runtime started (lazily) on the main thread: " + ended);
            assertFalse(ended.stream().anyMatch(e -> e.endsWith(JETTY)), "Jetty waits for the web view: " + ended);
            // one thread starts them in turn: Gogo's runtime (its command tracker open) before the shell that
            // registers the profile's commands and runs etc/gosh_profile
            assertTrue(ended.indexOf("beside: org.apache.felix.gogo.runtime")
                    < ended.indexOf("beside: org.apache.felix.gogo.jline"),
                    "Gogo's runtime before its shell: " + ended);
            assertFalse(err.contains("gosh_profile"), "the profile ran without an error: " + err);
        }
    }

    /**
     * The ND4J runtime's activator (JavaCPP's settings, ND4J's class loader) waits for the first class loaded from the
     * bundle: with the backend's load held back an hour, nothing in the start touches ND4J and the bundle stays
     * STARTING; the backend's command then loads ND4J, which activates the bundle first, and ND4J works.
     */
    @Test
    void theNd4jRuntimeActivatesOnTheFirstClassLoadedFromIt(@TempDir Path work) throws Exception {
        try (Platform platform = embedded(work, "layerwise.backend.loadDelayMs", "3600000")) {
            Bundle runtime = bundle(platform, ND4J_RUNTIME);
            assertEquals("lazy", runtime.getHeaders().get(Constants.BUNDLE_ACTIVATIONPOLICY));
            assertEquals(Bundle.STARTING, runtime.getState(), "no class of the ND4J runtime loaded during the start");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, platform.exec("layerwise:backend --seconds 0", new PrintStream(out, true), System.err));
            assertTrue(out.toString().matches("(?s).*BLAS self-test +passed.*"), out.toString());
            assertEquals(Bundle.ACTIVE, runtime.getState(), "activated by the backend's load");
        }
    }

    /**
     * Jetty's bundle is left stopped by the start (layerwise.start.onDemand) while the web view is off, and started by
     * the web view when {@code layerwise:web} turns it on: the page is then served.
     */
    @Test
    void jettyStartsWhenTheWebViewTurnsOn(@TempDir Path work) throws Exception {
        try (Platform platform = embedded(work, "layerwise.web.port", "0")) {
            Bundle jetty = bundle(platform, JETTY);
            assertEquals(Bundle.RESOLVED, jetty.getState(), "not started while the web view is off");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, platform.exec("layerwise:web", new PrintStream(out, true), System.err));
            Matcher url = Pattern.compile("web view: (http://127\\.0\\.0\\.1:\\d+/)").matcher(out.toString());
            assertTrue(url.find(), out.toString());
            assertEquals(Bundle.ACTIVE, jetty.getState());
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url.group(1))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<html"), page.body());
        }
    }

    /**
     * {@code exec} of a listing: the backend's ND4J load waits as in the interactive shell, and the process ends
     * without it (ND4J's load and self-test had kept {@code exec lb} waiting 0.6 s at its stop). Without a class-data
     * archive, so that this start is not the one that writes it (that one loads ND4J, for the archive).
     */
    @Test
    void aListingEndsWithoutLoadingNd4j(@TempDir Path work) throws Exception {
        Process p = Launcher.start(work, MnistReferenceIT.SAMPLE.toAbsolutePath(),
                Map.of("LAYERWISE_DEBUG", "1", "LAYERWISE_CDS", "0"), "exec", "lb");
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "runtime/layerwise exec lb did not end in 150 s");
        String out = Files.readString(work.resolve("launch.out"));
        String err = Files.readString(work.resolve("launch.err"));
        assertEquals(0, p.exitValue(), err);
        assertFalse(err.contains("ND4J loaded"), err);
        assertTrue(out.lines().anyMatch(l -> l.contains("ND4J runtime") && l.contains("|Starting")), out);
    }

    /** The distribution in an embedded framework working in {@code work}, with one more framework property. */
    private static Platform embedded(Path work, String key, String value) throws Exception {
        return Platform.start(PlatformIT.DIST, Map.of("layerwise.cwd", work.toString(),
                "felix.fileinstall.dir", Files.createDirectories(work.resolve("deploy")).toString(), key, value));
    }

    private static Bundle bundle(Platform platform, String symbolicName) {
        return Arrays.stream(platform.context().getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst().orElseThrow();
    }

    @Test
    void theBackendAnswersAtOnceAfterAStart(@TempDir Path work) throws Exception {
        Process p = Launcher.start(work, MnistReferenceIT.SAMPLE.toAbsolutePath(), Map.of(), "exec",
                "layerwise:backend --seconds 0");
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "runtime/layerwise exec layerwise:backend did not end in 150 s");
        String out = Files.readString(work.resolve("launch.out"));
        assertEquals(0, p.exitValue(), Files.readString(work.resolve("launch.err")));
        assertTrue(out.contains("BLAS self-test") && out.contains("passed"), out);
        // every thread's OpenMP regions start on the backend's rule (the launcher's OMP_NUM_THREADS)
        int cores = Runtime.getRuntime().availableProcessors();
        assertTrue(out.contains("OMP_NUM_THREADS=" + (cores <= 4 ? 1 : cores / 4) + " for every other thread"), out);
        // the backend's choice of which products run on one BLAS thread, timed once per machine or read back
        assertTrue(out.matches("(?s).*one BLAS thread   below \\d+ multiply-adds a product \\((measured on this "
                + "machine: 128x400x20 .*|one BLAS thread in all)\\).*"), out);
        // and whether one-thread products run in column blocks, likewise timed once per machine and kernel
        assertTrue(out.matches("(?s).*column blocks     (none, one call a product|of (32|48) columns where each stays"
                + " under OpenBLAS's small-matrix limit) \\(measured on this machine: 20x784x500 \\d+/\\d+/\\d+ us,"
                + ".*\\(one call / 32 / 48 columns, one thread\\)\\).*"), out);
    }

    /**
     * In the interactive shell the backend's ND4J load waits half a second, so that the prompt comes first
     * (docs/performance.md, "Start: ND4J loads after the prompt"). A command typed at once asks for ND4J and gets it
     * then: here the wait is set to an hour, so the answer (the self-test passed) comes only if the command started
     * the load. On a terminal of its own ({@code script}).
     */
    @Test
    void aCommandTypedAtTheInteractivePromptGetsNd4jWhileItsLoadStillWaits(@TempDir Path work) throws Exception {
        Path scriptTool = Path.of("/usr/bin/script");
        Assumptions.assumeTrue(Files.isExecutable(scriptTool), "no /usr/bin/script for a terminal");
        Path launcher = PlatformIT.DIST.toAbsolutePath().normalize().getParent().getParent().resolve("layerwise");
        ProcessBuilder pb = new ProcessBuilder(scriptTool.toString(), "-qec", launcher.toString(), "/dev/null")
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("LAYERWISE_NO_BUILD", "1");
        pb.environment().put("LAYERWISE_DATA", MnistReferenceIT.SAMPLE.toAbsolutePath().toString());
        pb.environment().put("LAYERWISE_JAVA_OPTS", "-Dlayerwise.backend.loadDelayMs=3600000");
        Process p = pb.start();
        StringBuilder seen = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (seen) {
                        seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        // typed before the prompt is drawn: the shell reads it as soon as it reads at all
        p.getOutputStream().write("layerwise:backend --seconds 0\r".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !text(seen).contains("BLAS self-test")) {
            Thread.sleep(50);
        }
        Thread.sleep(300); // the rest of the command's table
        p.getOutputStream().write(4); // Ctrl-D leaves the shell
        p.getOutputStream().flush();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the shell did not leave on Ctrl-D:\n" + text(seen));
        reader.join(10_000);
        String out = text(seen);
        assertTrue(out.matches("(?s).*BLAS self-test +passed.*"), out);
        assertFalse(out.contains("not loaded") || out.contains("failed to load"), out);
    }

    private static String text(StringBuilder seen) {
        synchronized (seen) {
            return seen.toString();
        }
    }

    /**
     * runtime/bench-start, the start-time benchmark of the README: the interactive shell reaches its {@code g! }
     * prompt on a terminal and leaves on Ctrl-D, and {@code exec lb} reports its start phases. Times are not checked
     * here (they are the benchmark's output); that both measurements happen is.
     */
    @Test
    void theStartBenchmarkReachesThePromptAndReadsThePhases() throws Exception {
        Path script = PlatformIT.DIST.toAbsolutePath().normalize().getParent().getParent().resolve("bench-start");
        ProcessBuilder pb = new ProcessBuilder("python3", script.toString(), "--starts", "1").redirectErrorStream(true);
        pb.environment().put("LAYERWISE_NO_BUILD", "1"); // as every test start: never a build inside a test
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bench-start did not end in 120 s");
        assertEquals(0, p.exitValue(), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "RESULT \\{\"starts\": 1, \"promptSeconds\": \\{\"median\": ([0-9.]+).*\"command\": (\\d+).*").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) > 0 && Integer.parseInt(m.group(2)) > 0, out);
    }
}
