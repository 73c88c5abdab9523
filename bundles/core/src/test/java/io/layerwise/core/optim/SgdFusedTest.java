package io.layerwise.core.optim;

import static io.layerwise.core.optim.AdamFusedTest.arrays;
import static io.layerwise.core.optim.AdamFusedTest.copies;
import static io.layerwise.core.optim.AdamFusedTest.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.core.nn.SecondCore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SGD with momentum: the fused loop over a heap velocity ({@link HeapPass}) against the plain path of a scale, an
 * {@code axpy} and an add, and both against the recurrence summed in float64. Gradients of mixed scales with exact zeros
 * ({@link AdamFusedTest#arrays}); a dropped or wrong term moves a parameter by about {@code lr |g|}.
 */
class SgdFusedTest {
    static final double LR = 0.1;
    static final double MU = 0.5;
    static final int STEPS = 6;

    private static Sgd sgd(boolean nesterov, List<INDArray> p) {
        return new Sgd(new Sgd.Options(LR, MU, nesterov), new Schedule.Constant(), p);
    }

    /**
     * After six steps both paths hold the parameters and velocities of the float64 recurrence, within float32 rounding
     * of the sums of |terms|; on this machine the fused loop's multiply-adds usually equal OpenBLAS's bit for bit, and
     * the test prints how many do.
     */
    @ParameterizedTest(name = "nesterov={0}")
    @ValueSource(booleans = {false, true})
    void fusedLoopAndPlainPathFollowTheRecurrence(boolean nesterov) {
        var p = arrays(1, 1000, 10, 7);
        var q = copies(p);
        var start = copies(p);
        List<List<INDArray>> history = new ArrayList<>();
        try (Sgd fused = sgd(nesterov, p); Sgd plain = sgd(nesterov, q)) {
            plain.plainOnly(true);
            for (int step = 0; step < STEPS; step++) {
                var g = arrays(100 + step, 1000, 10, 7);
                history.add(copies(g));
                fused.step(p, g);
                plain.step(q, copies(g));
            }
            int equal = 0;
            int total = 0;
            for (int i = 0; i < p.size(); i++) {
                float[] vFused = value(fused.state(), "velocity." + i);
                float[] vPlain = value(plain.state(), "velocity." + i);
                float[] pFused = p.get(i).data().asFloat();
                float[] pPlain = q.get(i).data().asFloat();
                for (int k = 0; k < vFused.length; k++) {
                    double v = 0;
                    double vSize = 0;
                    double x = start.get(i).getDouble(k);
                    double xSize = Math.abs(x);
                    for (int step = 0; step < STEPS; step++) {
                        double g = history.get(step).get(i).getDouble(k);
                        v = MU * v - LR * g;
                        vSize = MU * vSize + LR * Math.abs(g);
                        x += nesterov ? MU * v - LR * g : v;
                        xSize += nesterov ? MU * vSize + LR * Math.abs(g) : vSize;
                    }
                    String what = i + "[" + k + "]";
                    assertEquals(v, vFused[k], 1e-6 * vSize, "fused velocity " + what);
                    assertEquals(v, vPlain[k], 1e-6 * vSize, "plain velocity " + what);
                    assertEquals(x, pFused[k], 1e-6 * xSize, "fused parameter " + what);
                    assertEquals(x, pPlain[k], 1e-6 * xSize, "plain parameter " + what);
                    equal += pFused[k] == pPlain[k] ? 1 : 0;
                    total++;
                }
            }
            System.out.printf("SgdFusedTest nesterov=%s: %d of %d parameters equal the plain path's bits%n", nesterov,
                    equal, total);
            // the steps moved the parameters by lr |g| each: the comparisons above were not vacuous
            assertTrue(AdamFusedTest.maxAbsDiff(p.get(0), start.get(0)) > 10 * LR * 1e-3);
        }
    }

    @ParameterizedTest(name = "nesterov={0}")
    @ValueSource(booleans = {false, true})
    void stateSavedMidRunRestoresTheHeapVelocityBitForBit(boolean nesterov) {
        var p = arrays(1, 1000, 10);
        try (Sgd a = sgd(nesterov, p)) {
            for (int step = 0; step < 3; step++) {
                a.step(p, arrays(200 + step, 1000, 10));
            }
            OptimizerState saved = a.state(); // the velocity lives on the heap: state() must write it back first
            var q = copies(p);
            try (Sgd b = sgd(nesterov, q)) {
                b.step(q, arrays(999, 1000, 10)); // a heap velocity that the restore must replace
                b.restoreState(saved);
                q = copies(p);
                for (int step = 3; step < 6; step++) {
                    a.step(p, arrays(200 + step, 1000, 10));
                    b.step(q, arrays(200 + step, 1000, 10));
                }
                for (int i = 0; i < p.size(); i++) {
                    assertArrayEquals(p.get(i).data().asFloat(), q.get(i).data().asFloat(),
                            "parameter " + i + " bit for bit after a restore");
                }
                b.reset(); // forgets the heap velocity too: the next step is a first step again, lr g
                var r = arrays(1, 1000, 10);
                var before = copies(r);
                var g = arrays(7, 1000, 10);
                b.step(r, g);
                for (int i = 0; i < r.size(); i++) {
                    float[] x = r.get(i).data().asFloat();
                    float[] x0 = before.get(i).data().asFloat();
                    float[] gi = g.get(i).data().asFloat();
                    for (int k = 0; k < x.length; k++) {
                        double first = nesterov ? x0[k] - (1 + MU) * LR * gi[k] : x0[k] - LR * gi[k];
                        assertEquals(first, x[k], 1e-6 * (Math.abs(x0[k]) + LR * Math.abs(gi[k]) * 2),
                                "a reset optimizer steps as a new one, " + i + "[" + k + "]");
                    }
                }
            }
        }
    }

    /**
     * Arrays large enough to be split across two cores (one whose last chunk is short, the size of a 784 x 400 weight)
     * step to the same bits as one loop, velocity included, and the upper half is really written.
     */
    @ParameterizedTest(name = "nesterov={0}")
    @ValueSource(booleans = {false, true})
    void largeArraysSplitAcrossTwoCoresStepBitForBitAsOneLoop(boolean nesterov) {
        int big = 2 * SecondCore.MIN_VALUES + 4_328;
        var p = arrays(3, big, 313_600, 400);
        var q = copies(p);
        try (Sgd split = sgd(nesterov, p); Sgd one = sgd(nesterov, q)) {
            one.splitLarge(false);
            for (int step = 0; step < 4; step++) {
                var g = arrays(300 + step, big, 313_600, 400);
                split.step(p, g);
                one.step(q, copies(g));
            }
            for (int i = 0; i < p.size(); i++) {
                assertArrayEquals(q.get(i).data().asFloat(), p.get(i).data().asFloat(), "parameter " + i);
                assertArrayEquals(value(one.state(), "velocity." + i), value(split.state(), "velocity." + i),
                        "velocity." + i);
            }
            float[] last = p.get(1).data().asFloat();
            float[] start = arrays(3, big, 313_600).get(1).data().asFloat();
            assertTrue(last[313_599] != start[313_599] && last[200_001] != start[200_001], "the upper half moved");
        }
    }
}
