package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BLAS self-test and the kernel fallback: a kernel that computes wrong results never computes a job. In a real
 * framework (the engine refuses), and through runtime/layerwise (it starts again under the next kernel). The
 * {@code layerwise.blas.selftest.fault} hook corrupts one routine's check under one kernel, so the fallback is seen
 * on any CPU: with the OpenBLAS 0.3.21 build the platform carries, no kernel computes wrongly on the machines seen
 * (0.3.19's Cooperlake and SkylakeX kernels did on AMD Zen 4/5; tools/blas-kernels reproduces that).
 */
class BlasKernelIT {
    private static final Path SCRIPT = PlatformIT.DIST.resolve("../../layerwise").normalize();

    /** A framework whose self-test finds dsyevd wrong under the kernel it loaded. */
    @Nested
    class FaultyKernel {
        @RegisterExtension
        static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist(60, 20)
                .property("layerwise.blas.selftest.fault", "dsyevd");

        @Test
        void aFrameworkWhoseKernelFailsTheSelfTestRefusesToRunAnything() throws Exception {
            Shell.Result backend = Shell.exec(felix.platform(), "layerwise:backend --seconds 0");
            assertTrue(backend.out().contains("BLAS self-test    wrong: dsyevd (max error"), backend.all());

            Path pipeline = PlatformIT.pipeline(felix.work(), "tiny", PlatformIT.TINY);
            Shell.Result run = Shell.exec(felix.platform(), "layerwise:run " + pipeline);
            assertEquals(1, run.exitCode(), run.all());
            assertEquals(1, run.err().strip().lines().count(), run.err());
            assertTrue(run.err().contains("OpenBLAS kernel") && run.err().contains("computes wrong results")
                    && run.err().contains("dsyevd"), run.err());
            try (Stream<Path> files = Files.list(felix.work())) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().equals("runs")), "nothing was written");
            }
        }
    }

    @Test
    void theLauncherFallsBackFromAKernelThatFailsAndRemembersIt(@TempDir Path cacheHome) throws Exception {
        // A JavaCPP cache of its own, natives extracted afresh. It used to link those already in ~/.cache, and about one
        // run in two with other builds beside it died of SIGBUS in ld-linux while loading them (or hung without a
        // line): most likely this JVM rewrote them, under a lock file of its own, while other JVMs had them mapped
        Path cache = Files.createDirectories(cacheHome.resolve("layerwise/javacpp-1.5.7"));
        // The old framework property makes a note at each framework start: the user sees it once, though three
        // frameworks start (Haswell's check, the next kernel's check, the real start).
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cacheHome.toString(), "OPENBLAS_CORETYPE", "Haswell",
                "LAYERWISE_JAVA_OPTS",
                "-Dlayerwise.blas.selftest.fault=Haswell:dsyevd -Dlayerwise.swap.timeout.seconds=7");

        Run first = launch(env, "layerwise:backend --seconds 0");
        assertEquals(0, first.exit, first.err);
        assertTrue(first.err.contains("OpenBLAS kernel Haswell gets dsyevd (max error"), first.err);
        assertTrue(first.err.contains("starting again with the next kernel"), first.err);
        assertTrue(first.out.contains("BLAS self-test    passed"), first.out);
        assertEquals(1, first.err.lines().filter(l -> l.startsWith("layerwise: OpenBLAS kernel Haswell gets")).count(),
                first.err);
        assertEquals(1, notes(first.err), "the checking starts keep their notes to themselves: " + first.err);
        assertTrue(first.out.contains("kernels refused   Haswell (wrong: dsyevd"), first.out);
        String kernel = line(first.out, "OPENBLAS_CORETYPE ").replace("unset", "auto");
        assertNotEquals("Haswell", kernel);
        if (zen4OrLater()) { // the next candidate, the fast AVX-512 kernels, computes right with OpenBLAS 0.3.21
            assertEquals("Cooperlake", kernel, first.err);
        }
        String verdicts = Files.readString(cache.resolve("blas-verdicts.properties"));
        assertTrue(verdicts.contains(".Haswell=fail wrong\\: dsyevd"), verdicts);

        Run second = launch(env, "layerwise:backend --seconds 0");
        assertEquals(0, second.exit, second.err);
        assertFalse(second.err.contains("starting again"), "the failure is remembered: " + second.err);
        assertTrue(second.err.contains("using OpenBLAS kernel " + kernel + "; refused"), second.err);
        assertEquals(kernel, line(second.out, "OPENBLAS_CORETYPE ").replace("unset", "auto"));
        assertEquals(1, notes(second.err), second.err);
    }

    private static long notes(String err) {
        return err.lines().filter(l -> l.contains("layerwise.swap.timeout.seconds sets swapTimeoutSeconds")).count();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run launch(Map<String, String> env, String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "exec", command);
        pb.environment().putAll(env);
        pb.environment().put("LAYERWISE_NO_BUILD", "1");
        pb.environment().remove("LAYERWISE_DEBUG");
        Path err = Files.createTempFile("layerwise-launch", ".err");
        Path outFile = Files.createTempFile("layerwise-launch", ".out");
        pb.redirectError(err.toFile());
        pb.redirectOutput(outFile.toFile());
        Process p = pb.start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            // a thread dump of every JVM it started (into its stdout), then fail naming what it printed: never hang
            p.descendants().forEach(d -> quit(d.pid()));
            quit(p.pid());
            Thread.sleep(2000);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            String out = Files.readString(outFile);
            throw new AssertionError("launcher did not finish in 150 s: " + command + "\nstderr:\n" + Files.readString(err)
                    + "\nstdout (with thread dumps):\n" + out.substring(Math.max(0, out.length() - 60_000)));
        }
        String out = Files.readString(outFile, StandardCharsets.UTF_8);
        String errText = Files.readString(err);
        Files.delete(err);
        Files.delete(outFile);
        return new Run(p.exitValue(), out, errText);
    }

    private static void quit(long pid) {
        try {
            new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // the dump is a diagnostic only
        }
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()).trim())
                .orElse("(no line " + prefix.trim() + ")");
    }

    private static boolean zen4OrLater() throws IOException {
        String cpu = Files.readString(Path.of("/proc/cpuinfo"));
        List<String> family = cpu.lines().filter(l -> l.startsWith("cpu family")).limit(1).toList();
        return cpu.contains("AuthenticAMD") && cpu.contains(" avx512_bf16") && !family.isEmpty()
                && Integer.parseInt(family.get(0).substring(family.get(0).indexOf(':') + 1).trim()) >= 25;
    }
}
