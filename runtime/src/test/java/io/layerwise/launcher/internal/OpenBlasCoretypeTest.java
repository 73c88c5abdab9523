package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class OpenBlasCoretypeTest {
    private static final String AVX512 = "fpu sse sse2 fma avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl";

    private static String cpu(String vendor, int family, String flags) {
        return "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: " + family + "\nmodel\t\t: 17\n"
                + "flags\t\t: " + flags + "\n\nprocessor\t: 1\nvendor_id\t: " + vendor + "\n";
    }

    @Test
    void zen4WithBf16GetsCooperlake() {
        // the CI-class machine: AMD EPYC, family 25 model 17 (Genoa)
        assertEquals(Optional.of("Cooperlake"), OpenBlasCoretype.forCpu(cpu("AuthenticAMD", 25, AVX512 + " avx512_bf16")));
    }

    @Test
    void anAmdAvx512CpuWithoutBf16GetsSkylakeX() {
        assertEquals(Optional.of("SkylakeX"), OpenBlasCoretype.forCpu(cpu("AuthenticAMD", 26, AVX512)));
    }

    @Test
    void zen3WithoutAvx512IsLeftToOpenBlas() {
        assertEquals(Optional.empty(), OpenBlasCoretype.forCpu(cpu("AuthenticAMD", 25, "fpu avx avx2 fma")));
    }

    @Test
    void intelIsLeftToOpenBlasWhichKnowsItsAvx512Parts() {
        assertEquals(Optional.empty(), OpenBlasCoretype.forCpu(cpu("GenuineIntel", 6, AVX512 + " avx512_bf16")));
    }

    @Test
    void anUnreadableOrOddCpuinfoIsLeftToOpenBlas() {
        assertEquals(Optional.empty(), OpenBlasCoretype.forCpu(""));
        assertEquals(Optional.empty(), OpenBlasCoretype.forCpu("vendor_id\t: AuthenticAMD\ncpu family\t: ?\nflags\t: " + AVX512));
    }

    @Test
    void zen1And2GetHaswellThenOpenBlasItself() {
        String zen1 = cpu("AuthenticAMD", 23, "fpu sse sse2 fma avx avx2");
        assertEquals(Optional.of("Haswell"), OpenBlasCoretype.forCpu(zen1));
        assertEquals(List.of("Haswell", "auto"), OpenBlasCoretype.candidates(zen1, null));
        assertEquals(Optional.empty(), OpenBlasCoretype.forCpu(cpu("AuthenticAMD", 23, "fpu sse sse2 avx")),
                "without AVX2 OpenBLAS chooses");
        assertEquals(Optional.empty(), OpenBlasCoretype.forCpu(cpu("AuthenticAMD", 21, "fpu sse sse2 fma avx avx2")),
                "an older family (Excavator) stays OpenBLAS's");
    }

    @Test
    void zen4TriesTheAvx512KernelsThenHaswellThenOpenBlasItself() {
        assertEquals(List.of("Cooperlake", "SkylakeX", "Haswell", "auto"),
                OpenBlasCoretype.candidates(cpu("AuthenticAMD", 25, AVX512 + " avx512_bf16"), null));
    }

    @Test
    void elsewhereOpenBlasChoosesFirstAndHaswellIsTheFallbackWhereAvx2Exists() {
        assertEquals(List.of("auto", "Haswell"), OpenBlasCoretype.candidates(cpu("GenuineIntel", 6, AVX512), null));
        assertEquals(List.of("auto"), OpenBlasCoretype.candidates(cpu("GenuineIntel", 6, "fpu sse sse2"), null));
    }

    @Test
    void theUsersSettingIsTriedFirstAndAnEmptyOneMeansOpenBlasChooses() {
        String zen4 = cpu("AuthenticAMD", 25, AVX512 + " avx512_bf16");
        assertEquals(List.of("Haswell", "Cooperlake", "SkylakeX", "auto"), OpenBlasCoretype.candidates(zen4, "Haswell"));
        assertEquals(List.of("auto", "Cooperlake", "SkylakeX", "Haswell"), OpenBlasCoretype.candidates(zen4, ""));
    }

    @Test
    void anUncheckedKernelIsChosenUnverifiedAndAFailedOneIsSkippedWithItsReason() {
        List<String> candidates = List.of("Cooperlake", "SkylakeX", "Haswell", "auto");
        Properties verdicts = new Properties();
        OpenBlasCoretype.Choice first = OpenBlasCoretype.choose(candidates, "cpu-1", verdicts);
        assertEquals(new OpenBlasCoretype.Choice("Cooperlake", "cpu-1.Cooperlake", false, ""), first);

        verdicts.setProperty("cpu-1.Cooperlake", "fail wrong: dgemm (16 of 32 checks, max error 4.33)");
        verdicts.setProperty("cpu-1.SkylakeX", "fail wrong: dsyevd (max error 143)");
        verdicts.setProperty("cpu-1.Haswell", "pass");
        verdicts.setProperty("cpu-2.Cooperlake", "pass"); // another CPU's verdict does not count here
        OpenBlasCoretype.Choice later = OpenBlasCoretype.choose(candidates, "cpu-1", verdicts);
        assertEquals("Haswell", later.coretype());
        assertTrue(later.verified());
        assertEquals("Cooperlake (wrong: dgemm (16 of 32 checks, max error 4.33)); SkylakeX (wrong: dsyevd (max error 143))",
                later.refused());
    }

    @Test
    void whenEveryKernelFailedTheLastIsUsedAndNoRetryFollows() {
        Properties verdicts = new Properties();
        verdicts.setProperty("c.Haswell", "fail wrong: dgemm (max error 1)");
        verdicts.setProperty("c.auto", "fail wrong: dgemm (max error 1)");
        OpenBlasCoretype.Choice c = OpenBlasCoretype.choose(List.of("Haswell", "auto"), "c", verdicts);
        assertEquals("auto", c.coretype());
        assertTrue(c.verified(), "known to fail, so the launcher does not wait and retry; the engine refuses to compute");
    }

    @Test
    void theCpuKeyChangesWithTheCpu() {
        String a = OpenBlasCoretype.cpuKey(cpu("AuthenticAMD", 25, AVX512));
        assertEquals(a, OpenBlasCoretype.cpuKey(cpu("AuthenticAMD", 25, AVX512)));
        assertNotEquals(a, OpenBlasCoretype.cpuKey(cpu("AuthenticAMD", 26, AVX512)));
        assertNotEquals(a, OpenBlasCoretype.cpuKey(cpu("AuthenticAMD", 25, AVX512 + " avx512_bf16")));
        assertFalse(a.contains(" "));
    }

    @Test
    void theOpenBlasBuildIsReadFromTheNd4jRuntimeBundle(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dist)
            throws java.io.IOException {
        java.nio.file.Path bundle = java.nio.file.Files.createDirectories(dist.resolve("bundle"));
        try (var zip = new java.util.zip.ZipOutputStream(
                java.nio.file.Files.newOutputStream(bundle.resolve("layerwise-nd4j-runtime-0.1.0.jar")))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("lib/openblas-0.3.21-1.5.8.jar"));
            zip.putNextEntry(new java.util.zip.ZipEntry("lib/openblas-0.3.21-1.5.8-linux-x86_64.jar"));
        }
        assertEquals("openblas-0.3.21-1.5.8", OpenBlasCoretype.openBlasBuild(dist));
        assertEquals("openblas-unknown", OpenBlasCoretype.openBlasBuild(dist.resolve("nowhere")));
    }
}
