package io.layerwise.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PathFlagTest {

    @Test
    void anAbsentFlagIsNullAndAGivenOneItsPath() {
        assertNull(PathFlag.parse("--out", PathFlag.ABSENT));
        assertEquals(Path.of("runs/a"), PathFlag.parse("--out", "runs/a"));
    }

    @Test
    void anEmptyOrBlankValueIsRefusedNamingTheFlagRatherThanMeaningTheDefault() {
        assertEquals("--out must name a directory, got \"\"; leave --out out for the default",
                assertThrows(IllegalArgumentException.class, () -> PathFlag.parse("--out", "")).getMessage());
        assertEquals("--data must name a path, got \"  \"; leave --data out for the default",
                assertThrows(IllegalArgumentException.class, () -> PathFlag.parse("--data", "  ")).getMessage());
    }
}
