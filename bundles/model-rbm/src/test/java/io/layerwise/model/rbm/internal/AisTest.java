package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.core.nn.RowHalves;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@link Ais} against the exact {@code log Z} of RBMs small enough to enumerate ({@link ExactPartition}, itself
 * checked against the energy summed over every state of a 4 x 3 machine).
 */
class AisTest {

    /** A float32 RBM whose weights pull its hidden units into a few strong modes: hard for a poor sampler. */
    static Rbm structured(VisibleUnits units, int visible, int hidden, double scale, long seed) {
        Rbm rbm = Rbm.initialise(visible, hidden, units, scale, seed, DataType.FLOAT);
        Random r = new Random(seed);
        for (int j = 0; j < hidden; j++) {
            rbm.hiddenBias().putScalar(0, j, -0.5 * scale * visible / 4 + 0.3 * r.nextGaussian());
            for (int i = 0; i < visible; i++) {
                if ((i * 7 + j * 3) % 4 == 0) { // each hidden unit likes a quarter of the pixels
                    rbm.weights().putScalar(i, j, rbm.weights().getDouble(i, j) + scale);
                }
            }
        }
        for (int i = 0; i < visible; i++) {
            rbm.visibleBias().putScalar(0, i, units == VisibleUnits.BERNOULLI ? -1 + 0.5 * r.nextGaussian()
                    : 0.3 * r.nextGaussian());
        }
        return rbm;
    }

    static double[] means(Rbm rbm, double value) {
        double[] p = new double[rbm.visible()];
        java.util.Arrays.fill(p, value);
        return p;
    }

    @ParameterizedTest
    @EnumSource(VisibleUnits.class)
    void exactPartitionMatchesTheEnergySummedOverEveryState(VisibleUnits units) {
        try (Rbm rbm = RbmTest.tiny(units, 3)) {
            double expected;
            if (units == VisibleUnits.BERNOULLI) {
                double z = 0;
                for (int v = 0; v < 1 << RbmTest.V; v++) {
                    for (int h = 0; h < 1 << RbmTest.H; h++) {
                        z += Math.exp(-RbmTest.energy(rbm, units, RbmTest.state(v, RbmTest.V), RbmTest.state(h, RbmTest.H)));
                    }
                }
                expected = Math.log(z);
            } else { // the Gaussian integral over v of each hidden state, by the closed form of a unit-variance Gaussian
                double z = 0;
                for (int h = 0; h < 1 << RbmTest.H; h++) {
                    double[] hs = RbmTest.state(h, RbmTest.H);
                    double[] zero = new double[RbmTest.V];
                    // exp(-E(v,h)) is exp(-E(0,h)) times a Gaussian in v with mean bv + W h: integrate it
                    double sq = 0;
                    double bvSq = 0;
                    for (int i = 0; i < RbmTest.V; i++) {
                        double m = rbm.visibleBias().getDouble(0, i);
                        bvSq += m * m;
                        for (int j = 0; j < RbmTest.H; j++) {
                            m += rbm.weights().getDouble(i, j) * hs[j];
                        }
                        sq += m * m;
                    }
                    double e0 = RbmTest.energy(rbm, units, zero, hs); // |bv|^2/2 - bh.h
                    z += Math.exp(-e0 + sq / 2) * Math.pow(2 * Math.PI, RbmTest.V / 2.0);
                }
                expected = Math.log(z);
            }
            assertEquals(expected, ExactPartition.logZ(rbm), 1e-10);
        }
    }

    @Test
    void scheduleIsSalakhutdinovAndMurraysAtTheirStepCount() {
        double[] b = Ais.schedule(14_500);
        assertEquals(0.0, b[0]);
        assertEquals(0.5, b[500], 1e-12);
        assertEquals(0.9, b[4_500], 1e-12);
        assertEquals(1.0, b[14_500]);
        assertEquals(1e-3, b[1] - b[0], 1e-12);
        assertEquals(1e-4, b[501] - b[500], 1e-12);
        assertEquals(1e-5, b[14_500] - b[14_499], 1e-12);
        for (int k : new int[] {1, 2, 3, 10, 1000}) {
            double[] s = Ais.schedule(k);
            assertEquals(k + 1, s.length);
            assertEquals(0.0, s[0]);
            assertEquals(1.0, s[k]);
            for (int i = 1; i <= k; i++) {
                assertTrue(s[i] > s[i - 1], "increasing at " + i + " of " + k);
            }
        }
    }

    @Test
    void estimateIsLogZaPlusLogMeanExpOfTheWeights() {
        Ais.Estimate e = Ais.estimate(2.0, new double[] {Math.log(1), Math.log(3)});
        assertEquals(2.0 + Math.log(2), e.logZ(), 1e-12);
        assertEquals(Math.log(3) / 2, e.logWeightStd(), 1e-12);
        assertEquals(16.0 / 10.0, e.effectiveRuns(), 1e-12);
        Ais.Estimate far = Ais.estimate(0, new double[] {-1000, 1000}); // no overflow
        assertEquals(1000 - Math.log(2), far.logZ(), 1e-9);
        assertEquals(1.0, far.effectiveRuns(), 1e-9);
    }

    @Test
    void baseModelIsTheMarginalsLogOddsAndItsPartitionFunctionIsExact() {
        float[] a = Ais.baseBiases(new double[] {0.5, 0.0, 1.0, 0.2}, VisibleUnits.BERNOULLI);
        assertArrayEquals(new float[] {0f, (float) Math.log(1e-3 / (1 - 1e-3)), (float) Math.log((1 - 1e-3) / 1e-3),
            (float) Math.log(0.25)}, a, 1e-6f);
        // a model with W = 0 and bh = 0 is the base model itself: AIS with one temperature is exact
        try (Rbm rbm = Rbm.initialise(4, 3, VisibleUnits.BERNOULLI, 1e-30, 1, DataType.FLOAT);
                Sampler s = new Sampler(1)) {
            rbm.weights().assign(0);
            rbm.visibleBias().assign(org.nd4j.linalg.factory.Nd4j.create(a, new long[] {1, 4}, DataType.FLOAT));
            double exact = ExactPartition.logZ(rbm);
            assertEquals(exact, Ais.baseLogPartition(a, 3, VisibleUnits.BERNOULLI), 1e-6);
            assertEquals(exact, Ais.logPartition(rbm, a, new AisOptions(5, 1), s).logZ(), 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(VisibleUnits.class)
    void aisMatchesTheExactLogPartitionOfA20HiddenUnitRbm(VisibleUnits units) {
        int visible = units == VisibleUnits.BERNOULLI ? 64 : 24;
        double scale = units == VisibleUnits.BERNOULLI ? 0.6 : 0.3;
        try (Rbm rbm = structured(units, visible, 20, scale, 7); Sampler s = new Sampler(1)) {
            double exact = ExactPartition.logZ(rbm);
            float[] a = Ais.baseBiases(means(rbm, units == VisibleUnits.BERNOULLI ? 0.3 : 0.0), units);
            Ais.Estimate e = Ais.logPartition(rbm, a, new AisOptions(100, 10_000), s);
            System.out.printf("%s %dx20: exact log Z %.4f, AIS %.4f (log-weight sd %.3f, %.1f effective runs),"
                    + " base log Z_A %.4f%n", units, visible, exact, e.logZ(), e.logWeightStd(), e.effectiveRuns(),
                    Ais.baseLogPartition(a, 20, units));
            // seeds 1-3 gave errors of -0.04, -0.01 and -0.01 nats; the base model is 50 nats away
            assertEquals(exact, e.logZ(), 0.1, "AIS log Z");
            assertTrue(Math.abs(exact - Ais.baseLogPartition(a, 20, units)) > 5, "the base model is far from the RBM");
        }
    }

    @Test
    void tooFewTemperaturesUnderestimateLogZWithAWiderSpread() {
        try (Rbm rbm = structured(VisibleUnits.BERNOULLI, 64, 20, 0.6, 7); Sampler s = new Sampler(11)) {
            double exact = ExactPartition.logZ(rbm);
            Ais.Estimate few = Ais.logPartition(rbm, Ais.baseBiases(means(rbm, 0.3), VisibleUnits.BERNOULLI),
                    new AisOptions(100, 10), s);
            Ais.Estimate many = Ais.logPartition(rbm, Ais.baseBiases(means(rbm, 0.3), VisibleUnits.BERNOULLI),
                    new AisOptions(100, 3_000), s);
            System.out.printf("K=10: %.4f (sd %.3f), K=3000: %.4f (sd %.3f), exact %.4f%n", few.logZ(),
                    few.logWeightStd(), many.logZ(), many.logWeightStd(), exact);
            assertTrue(few.logZ() < exact - 0.5, "10 temperatures: " + few.logZ() + " against " + exact);
            assertTrue(few.logWeightStd() > 5 * many.logWeightStd());
        }
    }

    /**
     * The element-wise passes on the runs' two halves (one per core) give the estimate of the whole arrays to the last
     * bit: 100 runs of 64 hidden units reach {@link RowHalves#MIN_VALUES}, so the halves are used where two cores are.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(VisibleUnits.class)
    void halvesOnTwoCoresGiveTheWholeArraysEstimateBitForBit(VisibleUnits units) {
        assertTrue(100L * 64 >= RowHalves.MIN_VALUES);
        Ais.Estimate[] e = new Ais.Estimate[2];
        boolean was = RowHalves.enabled();
        try (Rbm rbm = structured(units, 64, 64, 0.3, 5)) {
            float[] a = Ais.baseBiases(means(rbm, units == VisibleUnits.BERNOULLI ? 0.3 : 0.0), units);
            for (int i = 0; i < 2; i++) {
                RowHalves.enabled(i == 1);
                try (Sampler s = new Sampler(3)) {
                    e[i] = Ais.logPartition(rbm, a, new AisOptions(100, 200), s);
                }
            }
        } finally {
            RowHalves.enabled(was);
        }
        assertEquals(e[0], e[1], "whole arrays, then halves");
        assertTrue(Double.isFinite(e[0].logZ()), e[0].toString());
    }
}
