package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlasSelfTestTest {

    @Test
    void aCorruptedRoutineIsNamedAndOnlyItFails() {
        BlasReport report = BlasSelfTest.run("dgemm");
        assertFalse(report.passed());
        assertEquals(3 * 4, report.failures().size(), report.summary()); // 3 shapes x 4 layouts of the nolapack dgemm
        assertTrue(report.failures().stream().allMatch(c -> c.routine().startsWith("dgemm ")), report.summary());
        assertEquals("dgemm (12 of 12 checks, max error", report.summary().substring("wrong: ".length(), "wrong: ".length() + 33));
    }

    @Test
    void aCorruptedEigensolverIsNamed() {
        BlasReport report = BlasSelfTest.run("dsyevd");
        assertEquals(List.of("dsyevd 150x150"), report.failures().stream().map(BlasReport.Check::routine).toList());
        BlasReport single = BlasSelfTest.run("ssyevd");
        assertEquals(List.of("ssyevd 150x150"), single.failures().stream().map(BlasReport.Check::routine).toList());
    }

    /** The float32 eigensolver passes within its own tolerance, and by a wide margin: its error is round-off. */
    @Test
    void theFloat32EigensolverIsCheckedAtItsOwnPrecision() {
        BlasReport.Check check = BlasSelfTest.run(null).checks().stream()
                .filter(c -> c.routine().equals("ssyevd 150x150")).findFirst().orElseThrow();
        assertTrue(check.error() > 1e-9 && check.error() < 1e-5, check.toString()); // float32, not float64, round-off
    }

    @Test
    void aNanErrorFails() {
        assertFalse(new BlasReport.Check("x", Double.NaN, 1).passed());
        assertTrue(new BlasReport.Check("x", 0.5, 1).passed());
    }

    /** Haswell's (AVX2) kernels, the fallback, are right wherever they run. */
    @Test
    void everyRoutinePassesUnderHaswellKernels() throws Exception {
        assumeTrue(cpuinfo().contains(" avx2"), "needs AVX2");
        Result r = selfTestUnder("Haswell");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.startsWith("passed ("), r.output);
    }

    /**
     * The defect that returned wrong whitening: on AMD Zen 4 / 5, OpenBLAS 0.3.19's Cooperlake kernels got DGEMM beyond
     * the small-matrix path and DTRMM (inside DSYEVD) wrong, while SGEMM stayed right (tools/blas-kernels shows it).
     * The 0.3.21 build the platform carries computes them right, so the fast kernels are kept; this fails if the
     * OpenBLAS natives go back to a build with the defect.
     */
    @Test
    void cooperlakeKernelsOnAmdZen4OrLaterComputeRightWithTheOpenBlasWeCarry() throws Exception {
        String cpu = cpuinfo();
        assumeTrue(cpu.contains("AuthenticAMD") && cpu.contains(" avx512_bf16") && family(cpu) >= 25,
                "needs an AMD Zen 4 or later CPU");
        Result r = selfTestUnder("Cooperlake");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.startsWith("passed ("), r.output);
    }

    @Test
    void verdictsAccumulateInOneFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cache/blas-verdicts.properties");
        BlasVerdicts.record(file, "cpu1.Cooperlake", "fail dgemm");
        BlasVerdicts.record(file, "cpu1.Haswell", "pass");
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        assertEquals("fail dgemm", p.getProperty("cpu1.Cooperlake"));
        assertEquals("pass", p.getProperty("cpu1.Haswell"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result selfTestUnder(String coretype) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BlasSelfTest.class.getName());
        pb.environment().put("OPENBLAS_CORETYPE", coretype);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String text = new String(out, StandardCharsets.UTF_8).strip();
        String last = text.lines().reduce((a, b) -> b).orElse("");
        return new Result(p.exitValue(), last);
    }

    private static String cpuinfo() throws IOException {
        Path p = Path.of("/proc/cpuinfo");
        return Files.isReadable(p) ? Files.readString(p) : "";
    }

    private static int family(String cpuinfo) {
        return cpuinfo.lines().filter(l -> l.startsWith("cpu family")).findFirst()
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).orElse(0);
    }
}
