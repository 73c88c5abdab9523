package io.layerwise.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.core.nn.NdArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Adam's fused pass over heap copies ({@link HeapPass}) against its plain path of one ND4J operation per term, on the
 * same float32 parameters and gradients over several steps: gradients of mixed scales with exact zeros (the rows of a
 * first layer under pixels that are always 0) and tiny values. Tolerances are float32 rounding (the plain path's
 * {@code axpy} may fuse a multiply and add); a wrong or missing term moves a parameter by about {@code lr}, 1e-3.
 */
class AdamFusedTest {
    static final double LR = 1e-3;

    static List<INDArray> arrays(long seed, int... lengths) {
        Random r = new Random(seed);
        List<INDArray> out = new ArrayList<>();
        for (int n : lengths) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                double scale = Math.pow(10, -r.nextInt(8));
                v[i] = i % 7 == 3 ? 0f : (float) (r.nextGaussian() * scale);
            }
            out.add(Nd4j.create(v, new long[] {n > 50 ? n / 10 : 1, n > 50 ? 10 : n}, DataType.FLOAT));
        }
        return out;
    }

    /**
     * {@link Adam#rule} once the test JVM's C2 has compiled it (thousands of calls; C2 vectorises its loop) against the
     * same arithmetic as a scalar loop with the branch the rule dropped (elements with m = 0 kept their parameter): the
     * same bits for the parameter and both moments, exact zeros included, over ranges of every length mod 16.
     */
    @Test
    void vectorisedRuleIsTheScalarOneBitForBit() {
        Random r = new Random(3);
        int n = 4099;
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = i % 5 == 1 ? 0f : (float) (r.nextGaussian() * Math.pow(10, -r.nextInt(9)));
        }
        float b1 = 0.9f, c1 = 0.1f, b2 = 0.999f, c2 = 0.001f, step = 3.1e-4f, eps = 1e-8f;
        for (int round = 0; round < 3000; round++) {
            int from = round % 17;
            int to = n - round % 16;
            float[] m = new float[n], v = new float[n], p = new float[n];
            float[] m2 = new float[n], v2 = new float[n], p2 = new float[n];
            for (int i = 0; i < n; i++) {
                p[i] = p2[i] = (float) Math.sin(i + round);
                m[i] = m2[i] = i % 5 == 1 ? 0f : g[(i * 7) % n];
                v[i] = v2[i] = m[i] * m[i];
            }
            Adam.rule(b1, c1, b2, c2, step, eps, m, v, g, p, from, to);
            for (int k = from; k < to; k++) {
                float mk = b1 * m2[k] + c1 * g[k];
                float vk = b2 * v2[k] + c2 * (g[k] * g[k]);
                m2[k] = mk;
                v2[k] = vk;
                if (mk != 0) {
                    p2[k] -= step * (mk / ((float) Math.sqrt(vk) + eps));
                }
            }
            assertArrayEquals(m2, m, 0f, "m, round " + round);
            assertArrayEquals(v2, v, 0f, "v, round " + round);
            for (int k = 0; k < n; k++) { // raw bits: -0.0 and 0.0 differ
                if (Float.floatToRawIntBits(p[k]) != Float.floatToRawIntBits(p2[k])) {
                    throw new AssertionError("parameter " + k + " of round " + round + ": " + p[k] + " against " + p2[k]);
                }
            }
        }
    }

    static List<INDArray> copies(List<INDArray> a) {
        return a.stream().map(INDArray::dup).toList();
    }

    @Test
    void fusedPassMatchesThePlainOperationsOverSeveralSteps() {
        List<INDArray> p = arrays(1, 1000, 10, 7);
        List<INDArray> q = copies(p);
        Adam.Options options = new Adam.Options(LR, 0.9, 0.999, 1e-8);
        try (Adam fused = new Adam(options, new Schedule.Constant(), p);
                Adam plain = new Adam(options, new Schedule.Constant(), q)) {
            plain.plainOnly(true);
            List<List<INDArray>> history = new ArrayList<>();
            for (int step = 0; step < 6; step++) {
                List<INDArray> g = arrays(100 + step, 1000, 10, 7);
                history.add(copies(g));
                fused.step(p, g);
                plain.step(q, copies(g));
            }
            for (int i = 0; i < p.size(); i++) {
                assertClose(q.get(i), p.get(i), 2e-7, "parameter " + i);
            }
            // the moments of both against float64 sums, within float32 rounding of the sum of |terms|
            // (b1 m and (1 - b1) g of opposite signs cancel, so a bound relative to the result would not hold)
            for (String slot : List.of("m", "v")) {
                double decay = slot.equals("m") ? 0.9 : 0.999;
                for (int i = 0; i < p.size(); i++) {
                    float[] x = value(fused.state(), slot + "." + i);
                    float[] y = value(plain.state(), slot + "." + i);
                    for (int k = 0; k < x.length; k++) {
                        double exact = 0;
                        double size = 0;
                        for (int step = 0; step < 6; step++) {
                            double g = history.get(step).get(i).getDouble(k);
                            double term = (1 - decay) * Math.pow(decay, 5 - step) * (slot.equals("m") ? g : g * g);
                            exact += term;
                            size += Math.abs(term);
                        }
                        String what = slot + "." + i + "[" + k + "]";
                        assertEquals(exact, x[k], 1e-6 * size, "fused " + what);
                        assertEquals(exact, y[k], 1e-6 * size, "plain " + what);
                    }
                }
            }
            // the fused steps moved the parameters by about lr each, so the comparison above was not vacuous
            assertTrue(maxAbsDiff(p.get(0), arrays(1, 1000).get(0)) > 3 * LR);
        }
    }

    @Test
    void stateSavedMidRunRestoresTheHeapMomentsBitForBit() {
        Adam.Options options = new Adam.Options(LR, 0.9, 0.999, 1e-8);
        List<INDArray> p = arrays(1, 1000, 10);
        try (Adam a = new Adam(options, new Schedule.Constant(), p)) {
            for (int step = 0; step < 3; step++) {
                a.step(p, arrays(200 + step, 1000, 10));
            }
            OptimizerState saved = a.state(); // the moments live on the heap: state() must write them back first
            List<INDArray> q = copies(p);
            try (Adam b = new Adam(options, new Schedule.Constant(), q);
                    Adam c = new Adam(options, new Schedule.Constant(), copies(p))) {
                b.step(q, arrays(999, 1000, 10)); // heap moments that the restore must replace
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
                List<INDArray> r = arrays(1, 1000, 10);
                c.step(r, arrays(5, 1000, 10));
                c.reset(); // forgets the heap moments too: the next step is a first step again
                List<INDArray> fresh = arrays(1, 1000, 10);
                r = arrays(1, 1000, 10);
                try (Adam d = new Adam(options, new Schedule.Constant(), fresh)) {
                    c.step(r, arrays(7, 1000, 10));
                    d.step(fresh, arrays(7, 1000, 10));
                }
                for (int i = 0; i < r.size(); i++) {
                    assertArrayEquals(fresh.get(i).data().asFloat(), r.get(i).data().asFloat(),
                            "parameter " + i + ": a reset optimizer steps as a new one");
                }
            }
        }
    }

    /**
     * Arrays large enough to be split across two cores (one whose halves differ and whose last chunk is short, one of
     * the VAE's 784 x 400) step to the same bits as one loop, moments included, and the upper half is really written.
     */
    @Test
    void largeArraysSplitAcrossTwoCoresStepBitForBitAsOneLoop() {
        int big = 2 * io.layerwise.core.nn.SecondCore.MIN_VALUES + 4_328; // not a multiple of the chunk: a short last chunk
        List<INDArray> p = arrays(3, big, 313_600, 400);
        List<INDArray> q = copies(p);
        Adam.Options options = new Adam.Options(LR, 0.9, 0.999, 1e-8);
        try (Adam split = new Adam(options, new Schedule.Constant(), p);
                Adam one = new Adam(options, new Schedule.Constant(), q)) {
            one.splitLarge(false);
            for (int step = 0; step < 4; step++) {
                List<INDArray> g = arrays(300 + step, big, 313_600, 400);
                split.step(p, g);
                one.step(q, copies(g));
            }
            for (int i = 0; i < p.size(); i++) {
                assertArrayEquals(q.get(i).data().asFloat(), p.get(i).data().asFloat(), "parameter " + i);
                for (String slot : List.of("m.", "v.")) {
                    assertArrayEquals(value(one.state(), slot + i), value(split.state(), slot + i), slot + i);
                }
            }
            float[] last = p.get(1).data().asFloat();
            float[] start = arrays(3, big, 313_600).get(1).data().asFloat();
            assertTrue(last[313_599] != start[313_599] && last[200_001] != start[200_001], "the upper half moved");
        }
    }

    @Test
    void onlyWholeFloat32ArraysTakeTheFusedPass() {
        try (INDArray m = Nd4j.zeros(DataType.FLOAT, 4, 5); INDArray d = Nd4j.zeros(DataType.DOUBLE, 4, 5)) {
            assertTrue(NdArrays.wholeFloat32(m, m.dup()));
            assertFalse(NdArrays.wholeFloat32(d, d.dup()), "float64 (gradient checks)");
            assertFalse(NdArrays.wholeFloat32(m.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()),
                    Nd4j.zeros(DataType.FLOAT, 2, 5)), "a view");
            assertFalse(NdArrays.wholeFloat32(m, Nd4j.zeros(DataType.FLOAT, 4, 4)), "lengths differ");
        }
    }

    @Test
    void aViewParameterIsUpdatedThroughThePlainPathInPlace() {
        try (INDArray whole = Nd4j.ones(DataType.FLOAT, 4, 5); INDArray reference = Nd4j.ones(DataType.FLOAT, 2, 5)) {
            INDArray view = whole.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
            INDArray g = Nd4j.ones(DataType.FLOAT, 2, 5);
            Adam.Options options = new Adam.Options(LR, 0.9, 0.999, 1e-8);
            try (Adam a = new Adam(options, new Schedule.Constant(), List.of(view));
                    Adam b = new Adam(options, new Schedule.Constant(), List.of(reference))) {
                a.step(List.of(view), List.of(g));
                b.step(List.of(reference), List.of(g.dup()));
            }
            assertClose(reference, whole.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()), 2e-7, "view");
            assertEquals(1.0, whole.getDouble(0, 0), 0.0, "rows outside the view are untouched");
            assertEquals(1 - LR, reference.getDouble(0, 0), 1e-6, "first step is lr against the gradient's sign");
        }
    }

    static float[] value(OptimizerState state, String name) {
        return state.arrays().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow().values();
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        double d = maxAbsDiff(expected, actual);
        assertTrue(d <= tol, what + ": max |difference| " + d + " > " + tol);
    }
}
