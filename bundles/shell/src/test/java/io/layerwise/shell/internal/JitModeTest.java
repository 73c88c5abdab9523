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
}
