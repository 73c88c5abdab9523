package io.layerwise.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JitModeTest {

    @Test
    void theLastFlagWins() {
        assertEquals("C1 and C2 (tiered)", JitMode.describe(List.of("-Xmx2g")));
        assertEquals("C1 only (-XX:TieredStopAtLevel=1)",
                JitMode.describe(List.of("-Xmx2g", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true")));
        assertEquals("C1 and C2 (tiered)",
                JitMode.describe(List.of("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4")));
        assertEquals("C2 only (-XX:-TieredCompilation)",
                JitMode.describe(List.of("-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation")));
        assertEquals("unknown (-XX:TieredStopAtLevel=x)", JitMode.describe(List.of("-XX:TieredStopAtLevel=x")));
    }

    @Test
    void anEarlierKernelsModeNamesItsKernels() {
        List<String> kernels = List.of("-XX:CompileCommand=quiet", "-XX:Tier4InvocationThreshold=100000000",
                "-XX:Tier4CompileThreshold=100000000",
                "-XX:CompileCommand=CompileThresholdScaling,io.layerwise.core.optim.Adam::rule,0.0001");
        assertEquals("C1, and C2 for io.layerwise.core.optim.Adam::rule only", JitMode.describe(kernels));
        List<String> thenC1 = new java.util.ArrayList<>(kernels);
        thenC1.add("-XX:TieredStopAtLevel=1");
        assertEquals("C1 only (-XX:TieredStopAtLevel=1)", JitMode.describe(thenC1));
        assertEquals("C1 and C2 (tiered)", JitMode.describe(List.of(
                "-XX:CompileCommand=CompileThresholdScaling,a.B::c,0.5")), "thresholds in reach: C2 for all");
    }

    @Test
    void theLaunchersKernelsModeNamesItsDirectivesFile() {
        List<String> directives = List.of("-XX:+UnlockDiagnosticVMOptions",
                "-XX:CompilerDirectivesFile=/opt/layerwise/runtime/jit-kernels.json", "-XX:CompileCommand=quiet");
        assertEquals("C1, and C2 for the methods jit-kernels.json names", JitMode.describe(directives));
        List<String> thenC1 = new java.util.ArrayList<>(directives);
        thenC1.add("-XX:TieredStopAtLevel=1");
        assertEquals("C1 only (-XX:TieredStopAtLevel=1)", JitMode.describe(thenC1));
    }
}
