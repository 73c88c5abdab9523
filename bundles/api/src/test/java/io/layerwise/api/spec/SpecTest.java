package io.layerwise.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecTest {

    private static Spec stage(Map<String, ?> values) {
        return new Spec("stages[2]", values);
    }

    @Test
    void outOfRangeNumberNamesTheNestedPathAndTheBounds() {
        Spec s = stage(Map.of("regularizers", List.of(Map.of("rho", 1.5))));
        Spec reg = s.objects("regularizers").get(0);
        SpecException e = assertThrows(SpecException.class, () -> reg.number("rho", 0.05, Range.open(0, 1)));
        assertEquals("stages[2].regularizers[0].rho must be in (0, 1), got 1.5", e.getMessage());
        assertEquals("stages[2].regularizers[0].rho", e.path());
    }

    @Test
    void wrongTypesAreReportedWithTheValueFound() {
        Spec s = stage(Map.of("hidden", "500", "tied", 1L, "noise", 3L, "kind", 2L));
        assertEquals("stages[2].hidden must be an integer, got \"500\"",
                assertThrows(SpecException.class, () -> s.integer("hidden", 1, 1_000_000)).getMessage());
        assertEquals("stages[2].tied must be true or false, got 1",
                assertThrows(SpecException.class, () -> s.flag("tied", true)).getMessage());
        assertEquals("stages[2].noise must be an object, got 3",
                assertThrows(SpecException.class, () -> s.object("noise")).getMessage());
        assertEquals("stages[2].kind must be one of [sgd, adam], got 2",
                assertThrows(SpecException.class, () -> s.choice("kind", "sgd", "sgd", "adam")).getMessage());
    }

    @Test
    void fractionalIntegerAndIntegerBoundsAreRejected() {
        Spec s = stage(Map.of("hidden", 2.5, "batch", 0L));
        assertThrows(SpecException.class, () -> s.integer("hidden", 1, 10));
        assertEquals("stages[2].batch must be in [1, 100000], got 0",
                assertThrows(SpecException.class, () -> s.integer("batch", 20, 1, 100_000)).getMessage());
    }

    @Test
    void aSeedBeyondTheLongRangeIsRefusedNotClamped() {
        Spec s = new Spec("", Map.of("seed", 1e20, "low", -1e19, "edge", 0x1p63, "big", 9.2e18, "exact", Long.MAX_VALUE));
        assertEquals("seed must be an integer in [-9223372036854775808, 9223372036854775807], got 1.0E20",
                assertThrows(SpecException.class, () -> s.longInteger("seed", 1234)).getMessage());
        assertThrows(SpecException.class, () -> s.longInteger("low", 1234));
        assertThrows(SpecException.class, () -> s.longInteger("edge", 1234));
        assertEquals(9_200_000_000_000_000_000L, s.longInteger("big", 1234));
        assertEquals(Long.MAX_VALUE, s.longInteger("exact", 1234));
    }

    @Test
    void nonFiniteNumbersAreRejectedEvenWithoutBounds() {
        Spec s = stage(Map.of("lr", Double.NaN));
        assertThrows(SpecException.class, () -> s.number("lr", 0.1, Range.positive()));
    }

    @Test
    void unknownFieldIsReportedWithTheKnownOnes() {
        Spec s = stage(Map.of("hidden", 10L, "hiden", 10L));
        s.integer("hidden", 1, 100);
        SpecException e = assertThrows(SpecException.class, s::rejectUnknownFields);
        assertEquals("stages[2].hiden is not a known field here; known fields: hidden", e.getMessage());
    }

    @Test
    void unknownFieldInsideANestedObjectIsFound() {
        Spec s = stage(Map.of("noise", Map.of("kind", "mask", "levle", 0.3)));
        Spec noise = s.object("noise");
        noise.choice("kind", "mask", "mask", "gaussian");
        noise.number("level", 0.3, Range.probability());
        assertEquals("stages[2].noise.levle is not a known field here; known fields: kind, level",
                assertThrows(SpecException.class, s::rejectUnknownFields).getMessage());
    }

    @Test
    void resolvedHoldsDefaultsAndNestedValues() {
        Spec s = stage(Map.of("hidden", 10L));
        s.integer("hidden", 1, 100);
        s.flag("tied", true);
        s.object("train").integer("epochs", 5, 1, 1000);
        assertEquals(Map.of("hidden", 10, "tied", true, "train", Map.of("epochs", 5)), s.resolved());
    }

    @Test
    void requiredFieldsSayWhatIsExpected() {
        Spec s = stage(Map.of());
        assertEquals("stages[2].hidden is required (an integer in [1, 100])",
                assertThrows(SpecException.class, () -> s.integer("hidden", 1, 100)).getMessage());
    }
}
