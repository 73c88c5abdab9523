package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
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
}
