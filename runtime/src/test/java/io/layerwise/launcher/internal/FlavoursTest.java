package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlavoursTest {

    private static String cpuinfo(String flags) {
        return "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: " + flags + "\nbugs\t\t: spectre_v1\n\n"
                + "processor\t: 1\nflags\t\t: " + flags + "\n";
    }

    private static final String SKYLAKE_X = "fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl";

    @Test
    void allFiveAvx512FlagsChooseAvx512() {
        Flavours.Choice c = Flavours.choose(cpuinfo(SKYLAKE_X), null, null);
        assertEquals(Flavours.AVX512, c.flavour());
        assertEquals("cpu flags avx512f avx512bw avx512dq avx512vl avx512cd present", c.reason());
    }

    @Test
    void avx512fAloneIsNotEnoughAndFallsBackToAvx2() {
        Flavours.Choice c = Flavours.choose(cpuinfo("sse avx avx2 fma avx512f avx512cd"), null, null);
        assertEquals(Flavours.AVX2, c.flavour());
        assertTrue(c.reason().startsWith("cpu flags avx2 fma present, not all of avx512f"), c.reason());
    }

    @Test
    void avx2WithoutFmaIsGeneric() {
        assertEquals(Flavours.GENERIC, Flavours.choose(cpuinfo("sse avx avx2"), null, null).flavour());
    }

    @Test
    void flagNamesMatchWholeWordsOnly() {
        // "avx512fp16" or "avx2x" must not count as avx512f / avx2
        assertEquals(Flavours.GENERIC, Flavours.choose(cpuinfo("avx2x fmax avx512fp16"), null, null).flavour());
    }

    @Test
    void unreadableCpuinfoIsGenericAndSaysSo() {
        Flavours.Choice c = Flavours.choose("", null, null);
        assertEquals(Flavours.GENERIC, c.flavour());
        assertEquals("no cpu flags readable", c.reason());
    }

    @Test
    void anOverrideWinsAndShortNamesAreAccepted() {
        Flavours.Choice c = Flavours.choose(cpuinfo(SKYLAKE_X), "generic", "--backend");
        assertEquals(Flavours.GENERIC, c.flavour());
        assertEquals("override --backend=generic", c.reason());
        assertEquals(Flavours.AVX2, Flavours.choose("", "linux-x86_64-avx2", "LAYERWISE_BACKEND").flavour());
    }

    @Test
    void anOverrideTheCpuCannotRunIsKeptButFlagged() {
        Flavours.Choice c = Flavours.choose(cpuinfo("sse avx avx2 fma"), "avx512", "--backend");
        assertEquals(Flavours.AVX512, c.flavour());
        assertEquals("override --backend=avx512 (cpu lacks avx512f avx512bw avx512dq avx512vl avx512cd)", c.reason());
    }

    @Test
    void anUnknownOverrideListsTheKnownFlavours() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Flavours.choose("", "avx3", "--backend"));
        assertTrue(e.getMessage().contains("linux-x86_64-avx512"), e.getMessage());
    }

    @Test
    void anNvidiaGpuPicksCudaOnlyWhenThatFlavourIsBuilt() {
        Flavours.Choice cpu = new Flavours.Choice(Flavours.AVX2, "cpu flags avx2 fma present");
        assertEquals(cpu, Flavours.preferGpu(cpu, false, true));
        assertEquals(Flavours.CUDA, Flavours.preferGpu(cpu, true, true).flavour());
        Flavours.Choice notBuilt = Flavours.preferGpu(cpu, true, false);
        assertEquals(Flavours.AVX2, notBuilt.flavour());
        assertTrue(notBuilt.reason().endsWith("an NVIDIA GPU is present but the cuda flavour is not built (mvn -Pcuda install)"),
                notBuilt.reason());
    }
}
