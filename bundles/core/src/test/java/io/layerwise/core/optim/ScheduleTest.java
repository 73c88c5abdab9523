package io.layerwise.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ScheduleTest {
    static final double TOL = 1e-15;

    static double[] rates(Schedule s, double lr, int epochs) {
        double[] r = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            r[e] = s.lr(lr, e);
        }
        return r;
    }

    static void assertRates(double[] expected, double[] got) {
        assertEquals(expected.length, got.length);
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], got[e], TOL, "epoch " + e);
        }
    }

    @Test
    void constantKeepsTheBaseRate() {
        assertRates(new double[] {0.1, 0.1, 0.1}, rates(new Schedule.Constant(), 0.1, 3));
    }

    @Test
    void stepMultipliesByTheFactorEveryNEpochs() {
        assertRates(new double[] {0.1, 0.1, 0.05, 0.05, 0.025}, rates(new Schedule.Step(2, 0.5), 0.1, 5));
        assertRates(new double[] {1, 0.1, 0.01}, rates(new Schedule.Step(1, 0.1), 1, 3));
    }

    @Test
    void exponentialMultipliesByGammaEachEpoch() {
        assertRates(new double[] {0.1, 0.09, 0.081, 0.0729}, rates(new Schedule.Exponential(0.9), 0.1, 4));
    }

    /** lr 0.1 to 0 over 4 epochs: {@code 0.1 (1 + cos(pi e / 4)) / 2}. */
    @Test
    void cosineFallsFromLrTowardsMinLrOverTheStagesEpochs() {
        double h = Math.sqrt(0.5);
        assertRates(new double[] {0.1, 0.05 * (1 + h), 0.05, 0.05 * (1 - h)}, rates(new Schedule.Cosine(0, 4), 0.1, 4));
        Schedule.Cosine c = new Schedule.Cosine(0.01, 4);
        assertEquals(0.1, c.lr(0.1, 0), TOL);
        assertEquals(0.055, c.lr(0.1, 2), TOL, "half way: the mean of lr and minLr");
        assertEquals(0.01, c.lr(0.1, 4), TOL, "after the last epoch");
        assertEquals(0.01, c.lr(0.1, 9), TOL, "and beyond");
        assertEquals(0.1, new Schedule.Cosine(0, 1).lr(0.1, 0), TOL, "a one-epoch stage runs at lr");
    }

    @Test
    void recordsRejectBadValuesNamingTheField() {
        assertEquals("every must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Schedule.Step(0, 0.5)).getMessage());
        assertEquals("factor must be in (0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> new Schedule.Step(1, 1.5)).getMessage());
        assertEquals("gamma must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Schedule.Exponential(0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Schedule.Cosine(-1, 3)).getMessage()
                .startsWith("minLr "));
    }

    /** startEpoch sets the rate, and the next step uses it: plain SGD moves x by exactly lr * g. */
    @Test
    void theOptimizerAppliesTheScheduleWhenAnEpochStarts() {
        try (INDArray x = Nd4j.zeros(DataType.DOUBLE, 1); INDArray g = Nd4j.ones(DataType.DOUBLE, 1);
                Optimizer o = new Sgd(new Sgd.Options(0.4, 0), new Schedule.Step(2, 0.5), List.of(x))) {
            assertEquals(-1, o.epoch());
            assertEquals(0.4, o.learningRate(), "before the first epoch: the epoch-0 rate");
            double[] expected = {0.4, 0.4, 0.2, 0.2, 0.1};
            double position = 0;
            for (int e = 0; e < expected.length; e++) {
                o.startEpoch(e);
                assertEquals(e, o.epoch());
                assertEquals(expected[e], o.learningRate(), TOL);
                o.step(List.of(x), List.of(g));
                position -= expected[e];
                assertEquals(position, x.getDouble(0), TOL);
            }
            o.reset();
            assertEquals(-1, o.epoch());
            assertEquals(0.4, o.learningRate());
            assertEquals(0, o.steps());
        }
    }
}
