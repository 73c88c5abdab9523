package io.layerwise.model.dae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.layerwise.core.ae.Corruption;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Statistics of the corruptions on 200 x 784 = 156,800 inputs, with tolerances of 5 binomial (or sampling)
 * standard deviations: for a fraction p, {@code 5 sqrt(p(1-p)/n)} (about 0.006 at p = 0.3).
 */
class NoiseTest {
    static final int ROWS = 200;
    static final int COLS = 784;
    static final double N = ROWS * COLS;

    static double tolerance(double p) {
        return 5 * Math.sqrt(p * (1 - p) / N);
    }

    static double fraction(INDArray a, double value) {
        return a.eq(value).castTo(DataType.FLOAT).sumNumber().doubleValue() / N;
    }

    @Test
    void maskingZeroesAFractionLevelOfTheInputsAndKeepsTheRestUnscaled() {
        INDArray x = Nd4j.valueArrayOf(new long[] {ROWS, COLS}, 0.5f);
        for (double level : new double[] {0.1, 0.3, 0.7}) {
            try (Corruption c = new NoiseOptions("mask", level).corruption(1234)) {
                INDArray out = c.apply(x, x.ulike());
                assertEquals(level, fraction(out, 0), tolerance(level), "zeroed fraction at level " + level);
                assertEquals(1 - level, fraction(out, 0.5), tolerance(level), "kept unscaled at level " + level);
            }
        }
    }

    @Test
    void maskingAtTheEndsOfTheRangeKeepsAllOrNothing() {
        INDArray x = Nd4j.valueArrayOf(new long[] {ROWS, COLS}, 0.5f);
        try (Corruption none = new NoiseOptions("mask", 0).corruption(1); Corruption all = new NoiseOptions("mask", 1).corruption(1)) {
            assertEquals(x, none.apply(x, x.ulike()));
            assertEquals(0.0, all.apply(x, x.ulike()).sumNumber().doubleValue());
        }
    }

    @Test
    void gaussianNoiseHasMeanZeroAndStandardDeviationSigma() {
        INDArray x = Nd4j.valueArrayOf(new long[] {ROWS, COLS}, 0.25f);
        try (Corruption c = new NoiseOptions("gaussian", 0.2).corruption(7)) {
            INDArray noise = c.apply(x, x.ulike()).subi(x);
            assertEquals(0.0, noise.meanNumber().doubleValue(), 5 * 0.2 / Math.sqrt(N));
            // sd of the sample standard deviation: sigma / sqrt(2n)
            assertEquals(0.2, noise.stdNumber().doubleValue(), 5 * 0.2 / Math.sqrt(2 * N));
        }
    }

    @Test
    void saltAndPepperSetsAFractionLevelToZeroOrOneWithEqualOdds() {
        INDArray x = Nd4j.valueArrayOf(new long[] {ROWS, COLS}, 0.5f);
        double level = 0.4;
        try (Corruption c = new NoiseOptions("salt-and-pepper", level).corruption(3)) {
            INDArray out = c.apply(x, x.ulike());
            assertEquals(level / 2, fraction(out, 0), tolerance(level / 2), "pepper");
            assertEquals(level / 2, fraction(out, 1), tolerance(level / 2), "salt");
            assertEquals(1 - level, fraction(out, 0.5), tolerance(level), "untouched");
        }
    }

    @Test
    void sameSeedSameNoiseAndTheCleanInputIsLeftAlone() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 20, 30);
        INDArray before = x.dup();
        try (Corruption a = new NoiseOptions("mask", 0.3).corruption(5); Corruption b = new NoiseOptions("mask", 0.3).corruption(5);
                Corruption other = new NoiseOptions("mask", 0.3).corruption(6)) {
            INDArray ya = a.apply(x, x.ulike());
            assertEquals(ya, b.apply(x, x.ulike()));
            assertNotEquals(ya, other.apply(x, x.ulike()));
            INDArray next = x.ulike();
            assertSame(next, a.apply(x, next));
            assertNotEquals(ya, next); // the generator moves on between batches
        }
        assertEquals(before, x);
    }
}
