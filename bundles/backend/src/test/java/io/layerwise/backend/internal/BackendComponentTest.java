package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendComponentTest {

    @Test
    void loadedNativesAreFoundAmongJavaCppsLibraries() {
        Map<String, String> libs = Map.of(
                "jnijavacpp", "/c/linux-x86_64/libjnijavacpp.so",
                "jnind4jcpu", "/c/linux-x86_64-avx2/libjnind4jcpu.so");
        assertEquals("/c/linux-x86_64-avx2/libjnind4jcpu.so", BackendComponent.loadedNatives(libs));
    }

    @Test
    void noNativesLoadedReadsUnknown() {
        assertEquals("unknown", BackendComponent.loadedNatives(Map.of()));
    }

    @Test
    void theFaultHookAppliesToTheKernelItNames() {
        assertEquals("dsyevd", BackendComponent.faultFor("dsyevd", "Haswell"));
        assertEquals("dsyevd", BackendComponent.faultFor("haswell:dsyevd", "Haswell"));
        assertEquals(null, BackendComponent.faultFor("Haswell:dsyevd", "Cooperlake"));
        assertEquals(null, BackendComponent.faultFor(null, "Haswell"));
    }
}
