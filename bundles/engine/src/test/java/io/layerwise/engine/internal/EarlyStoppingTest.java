package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.engine.internal.EarlyStopping.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    private static List<Decision> run(EarlyStopping s, double... values) {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            Decision d = s.observe(i + 1, values[i]);
            out.add(d);
            if (d == Decision.STOP) {
                break;
            }
        }
        return out;
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovementAndRemembersTheBest() {
        EarlyStopping s = new EarlyStopping(new EarlyStopping.Options("val_loss", 3, 0, true));
        assertEquals(List.of(Decision.IMPROVED, Decision.IMPROVED, Decision.WAIT, Decision.WAIT, Decision.STOP),
                run(s, 10, 9, 9.5, 9, 12, 1));
        assertEquals(2, s.bestEpoch());
        assertEquals(9, s.best());
        assertEquals(5, s.stoppedEpoch());
        assertEquals("val_loss did not improve by minDelta 0 for 3 epochs (best 9 in epoch 2)", s.reason());
        assertEquals(new History.Stopped(5, "val_loss", 2,
                "val_loss did not improve by minDelta 0 for 3 epochs (best 9 in epoch 2); restored epoch 2"),
                s.stoppedEntry(true, 6));
        assertNull(s.stoppedEntry(true, 5), "a stop after the last epoch is no early stop");
    }

    @Test
    void anImprovementSmallerThanMinDeltaDoesNotCountButResetsNothing() {
        EarlyStopping s = new EarlyStopping(new EarlyStopping.Options("loss", 2, 0.001, false));
        // 9.9995 is better than 10, but not by more than 0.001: a wait; 9.998 is, and resets the count
        assertEquals(List.of(Decision.IMPROVED, Decision.WAIT, Decision.IMPROVED, Decision.WAIT, Decision.STOP),
                run(s, 10, 9.9995, 9.998, 9.9975, 9.9979));
        assertEquals(3, s.bestEpoch());
        assertEquals(9.998, s.best());
        assertEquals("loss did not improve by minDelta 0.001 for 2 epochs (best 9.998 in epoch 3)", s.reason());
    }

    @Test
    void theFirstEpochAlwaysImprovesAndNaNNeverDoes() {
        EarlyStopping s = new EarlyStopping(new EarlyStopping.Options("loss", 1, 1e9, false));
        assertEquals(Decision.IMPROVED, s.observe(1, 5));
        assertEquals(Decision.STOP, s.observe(2, 4), "not lower by minDelta");
        EarlyStopping n = new EarlyStopping(new EarlyStopping.Options("loss", 2, 0, false));
        assertEquals(Decision.WAIT, n.observe(1, Double.NaN));
        assertEquals(Decision.IMPROVED, n.observe(2, 3));
        assertEquals(Decision.WAIT, n.observe(3, Double.NaN));
    }

    @Test
    void neverStopsWhileTheFigureKeepsImproving() {
        EarlyStopping s = new EarlyStopping(new EarlyStopping.Options("loss", 1, 0, false));
        for (int e = 1; e <= 100; e++) {
            assertEquals(Decision.IMPROVED, s.observe(e, 100 - e));
        }
        assertEquals(0, s.stoppedEpoch());
    }

    @Test
    void readsDefaultsAndMonitorsValLossWhenThereAreValidationRows() {
        Spec train = new Spec("stages[0].train", Map.of("earlyStopping", Map.of()));
        assertEquals(new EarlyStopping.Options("val_loss", EarlyStopping.Options.DEFAULT_PATIENCE, 0, false),
                EarlyStopping.Options.read(train, EarlyStopping.STAGE_MONITORS, true, "v"));
        Spec without = new Spec("stages[0].train", Map.of("earlyStopping", Map.of("patience", 2, "restoreBest", true)));
        assertEquals(new EarlyStopping.Options("loss", 2, 0, true),
                EarlyStopping.Options.read(without, EarlyStopping.STAGE_MONITORS, false, "v"));
        Spec absent = new Spec("stages[0].train", Map.of("epochs", 3));
        assertNull(EarlyStopping.Options.read(absent, EarlyStopping.STAGE_MONITORS, false, "v"));
        assertTrue(absent.resolved().isEmpty(), "an absent section adds nothing to pipeline.json: " + absent.resolved());
    }

    @Test
    void badFieldsAreNamedByTheirJsonPath() {
        assertError(Map.of("monitor", "val_loss"), false,
                "stages[1].train.earlyStopping.monitor \"val_loss\" needs validation rows; set stages[1].train.validation"
                        + " or monitor \"loss\"");
        assertError(Map.of("monitor", "val_error"), true, "stages[1].train.earlyStopping.monitor must be one of");
        assertError(Map.of("patience", 0), true, "stages[1].train.earlyStopping.patience must be in [1, ");
        assertError(Map.of("minDelta", -0.1), true, "stages[1].train.earlyStopping.minDelta must be in");
        assertError(Map.of("restoreBest", "yes"), true, "stages[1].train.earlyStopping.restoreBest must be true or false");
        Spec typo = new Spec("stages[1].train", Map.of("earlyStopping", Map.of("patient", 3)));
        EarlyStopping.Options.read(typo, EarlyStopping.STAGE_MONITORS, false, "stages[1].train.validation");
        SpecException e = assertThrows(SpecException.class, typo::rejectUnknownFields);
        assertTrue(e.getMessage().startsWith("stages[1].train.earlyStopping.patient is not a known field"), e.getMessage());
    }

    private static void assertError(Map<String, Object> section, boolean validation, String prefix) {
        Spec train = new Spec("stages[1].train", Map.of("earlyStopping", section));
        SpecException e = assertThrows(SpecException.class, () -> EarlyStopping.Options.read(train,
                EarlyStopping.STAGE_MONITORS, validation, "stages[1].train.validation"));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }
}
