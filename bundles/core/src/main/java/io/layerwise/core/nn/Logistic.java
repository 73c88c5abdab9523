package io.layerwise.core.nn;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SoftPlus;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The logistic sigmoid, softplus and the cross-entropy's element-wise terms on float32 arrays as Java loops that C2
 * vectorises. libnd4j computes them one value at a time through {@code expf} and {@code log1pf} (sigmoid 2.5,
 * softplus 4.4 ns a value on the 2-core machine); these loops take about 0.5 and 1.0 ns, copies included, because
 * they use nothing but float arithmetic, {@code Math.min} and {@code Math.max}, which C2 turns into AVX lanes
 * (a bit-level {@code exp}, with {@code Float.intBitsToFloat}, stays scalar in Java 17). Java's float arithmetic is
 * strict, so a value is the same bit for bit whether interpreted, compiled by C1 or vectorised by C2, on every
 * machine: a resumed run keeps its bits. C1 does not vectorise (5.7 ns a value), so the launcher gives these loops to
 * C2 ({@code runtime/layerwise}).
 *
 * <pre>
 *   sigmoid(a)  = 1/2 + c P(c^2) / Q(c^2),  c = clamp(a, -18, 18), P of degree 6, Q of degree 3
 *   softplus(a) = max(a, 0) - log(max(s, 1 - s)),  s = sigmoid(a)
 *   log w       = 2 atanh(u) = 2u (1 + u^2/3 + ... + u^14/15),  u = (w - 1)/(w + 1) in [-1/3, 0]
 * </pre>
 * The rational function is a minimax fit of {@code sigmoid(a) - 1/2} on [0, 18] with float coefficients (error
 * 1.2e-8 in exact arithmetic); evaluated in float it is within 2.5e-7 of the exact sigmoid everywhere (4 units in the
 * last place of 1/2), against 0.9e-7 for {@code 1/(1 + expf(-a))} in float: an absolute error, which is what a
 * gradient {@code s - x} and a Bernoulli draw {@code u < s} see. Beyond |a| = 18 the sigmoid is 0 or 1 within 1.6e-8.
 * Softplus follows from {@code 1 + e^-a = 1/s} and {@code 1 + e^a = 1/(1 - s)}: the larger of {@code s} and
 * {@code 1 - s} has no cancellation; it is good to 7e-7 absolute (an ulp at 12), and unlike libnd4j's it does not
 * overflow above a = 88.7. A NaN stays NaN. {@code LogisticTest} checks both against float64 on a dense grid and the
 * training passes against libnd4j's transforms on held-out digits.
 *
 * <p>Arrays that are not float32 on the CPU, contiguous in row order, take libnd4j's transforms (float64 gradient
 * checks, the GPU); so does everything with {@code -Dlayerwise.logisticKernels=false}.
 */
public final class Logistic {
    /** {@code log(Float.MAX_VALUE)}: the mean cross-entropy term above which {@link #crossEntropySum} gives +inf. */
    static final double DIVERGED_MEAN = 88.72;

    /** Values copied to the heap at a time: three 16 KiB arrays per thread stay in the core's cache. */
    static final int CHUNK = 4096;

    /** Coefficients of P and Q; the sigmoid is 0 or 1 (to float precision) beyond +-CLAMP. */
    private static final float P0 = 2.500000000e-01f, P1 = 8.174014278e-03f, P2 = 4.840346810e-05f,
            P3 = 4.333170267e-08f, P4 = -1.952336383e-11f, P5 = 1.263097818e-14f, P6 = -5.029245303e-18f;
    private static final float Q1 = 1.160293594e-01f, Q2 = 1.529403846e-03f, Q3 = 3.964653388e-06f;
    private static final float CLAMP = 18f;
    /** 1/(2k+1): the series of atanh. */
    private static final float L1 = 1f / 3, L2 = 1f / 5, L3 = 1f / 7, L4 = 1f / 9, L5 = 1f / 11, L6 = 1f / 13,
            L7 = 1f / 15;

    private static final boolean CPU = Nd4j.getEnvironment().isCPU();
    private static volatile boolean enabled = !"false".equals(System.getProperty("layerwise.logisticKernels"));

    /** Per thread (the caller and {@link SecondCore}'s worker run halves at once): the heap chunks. */
    private static final ThreadLocal<float[][]> CHUNKS = ThreadLocal.withInitial(() -> new float[3][CHUNK]);

    private Logistic() {
    }

    /** {@code out <- sigmoid(a)}; {@code out} may be {@code a}. */
    public static void sigmoid(INDArray a, INDArray out) {
        if (!heap(a, out)) {
            Nd4j.exec(new Sigmoid(a, out));
            return;
        }
        streamed(a, null, out, null, (c, len) -> sigmoid(c[0], c[0], len));
    }

    /** {@code out <- softplus(a) = log(1 + e^a)}; {@code out} may be {@code a}. */
    public static void softplus(INDArray a, INDArray out) {
        if (!heap(a, out)) {
            Nd4j.exec(new SoftPlus(a, out));
            return;
        }
        streamed(a, null, out, null, SOFTPLUS_AND_SIGMOID);
    }

    /**
     * {@code softplus <- softplus(a)} and {@code sigmoid <- sigmoid(a)} in one pass, the values {@link #softplus} and
     * {@link #sigmoid} give; {@code sigmoid} may be {@code a} (an RBM's visible error terms, then its mean in place).
     */
    public static void sigmoidAndSoftplus(INDArray a, INDArray sigmoid, INDArray softplus) {
        if (!heap(a, sigmoid, softplus)) {
            Nd4j.exec(new SoftPlus(a, softplus));
            Nd4j.exec(new Sigmoid(a, sigmoid));
            return;
        }
        streamed(a, null, softplus, sigmoid, SOFTPLUS_AND_SIGMOID);
    }

    /**
     * The cross-entropy's element-wise terms from the logits {@code a} and targets {@code x}:
     * {@code delta <- sigmoid(a) - x} and {@code softplus <- softplus(a)}, so that the loss is
     * {@code sum(softplus) - x.a}. The four arrays have one shape; {@code delta} and {@code softplus} are distinct
     * from the inputs.
     */
    public static void crossEntropyTerms(INDArray a, INDArray x, INDArray delta, INDArray softplus) {
        if (!heap(a, x, delta, softplus)) {
            Nd4j.exec(new SoftPlus(a, softplus));
            Nd4j.exec(new Sigmoid(a, delta));
            delta.subi(x);
            return;
        }
        streamed(a, x, softplus, delta, (c, len) -> {
            sigmoid(c[0], c[2], len);
            softplus(c[0], c[2], c[0], len);
            subtractFrom(c[2], c[1], len);
        });
    }

    /**
     * {@code grad <- grad * ((1 - y) * y)}, the sigmoid's derivative from its output {@code y}: the values libnd4j's
     * three passes ({@code 1 - y}, times {@code y}, times {@code grad}) give, bit for bit, in one pass.
     */
    public static void multiplySigmoidDerivative(INDArray y, INDArray grad, INDArray scratch) {
        if (!heap(y, grad)) {
            Nd4j.exec(new ScalarReverseSubtraction(y, null, scratch, 1.0));
            scratch.muli(y);
            grad.muli(scratch);
            return;
        }
        streamed(grad, y, grad, null, (c, len) -> sigmoidDerivative(c[1], c[0], len));
    }

    /** What a pass does to one chunk: inputs in {@code c[0]}, {@code c[1]}, outputs left there; {@code c[2]} is free. */
    @FunctionalInterface
    private interface ChunkPass {
        void run(float[][] c, int len);
    }

    /** The logits in chunk 0 become their softplus, chunk 1 their sigmoid. */
    private static final ChunkPass SOFTPLUS_AND_SIGMOID = (c, len) -> {
        sigmoid(c[0], c[1], len);
        softplus(c[0], c[1], c[0], len);
    };

    /**
     * Streams the arrays through this thread's heap chunks {@link #CHUNK} values at a time: {@code in} into chunk 0
     * and {@code in2} into chunk 1, then {@code pass}, then chunk 0 out to {@code out} and chunk 1 to {@code out2}.
     * {@code in2} and {@code out2} may be null.
     */
    private static void streamed(INDArray in, INDArray in2, INDArray out, INDArray out2, ChunkPass pass) {
        float[][] c = CHUNKS.get();
        FloatBuffer ib = nio(in);
        FloatBuffer ib2 = in2 == null ? null : nio(in2);
        FloatBuffer ob = nio(out);
        FloatBuffer ob2 = out2 == null ? null : nio(out2);
        int io = (int) in.offset();
        int io2 = in2 == null ? 0 : (int) in2.offset();
        int oo = (int) out.offset();
        int oo2 = out2 == null ? 0 : (int) out2.offset();
        int n = (int) in.length();
        for (int lo = 0; lo < n; lo += CHUNK) {
            int len = Math.min(CHUNK, n - lo);
            ib.get(io + lo, c[0], 0, len);
            if (ib2 != null) {
                ib2.get(io2 + lo, c[1], 0, len);
            }
            pass.run(c, len);
            ob.put(oo + lo, c[0], 0, len);
            if (ob2 != null) {
                ob2.put(oo2 + lo, c[1], 0, len);
            }
        }
    }

    /**
     * The cross-entropy {@code sum(softplus) - x.a} from the terms {@link #crossEntropyTerms} or {@link #softplus}
     * wrote (two BLAS sums over the whole arrays), or +inf when its mean term is above {@link #DIVERGED_MEAN}. That is
     * reached only when the logits have left float32's range on the wrong side (a term is about {@code |a|} there; a
     * model that predicts 1/2 everywhere scores 0.69): the weights have blown up. libnd4j's softplus overflowed to
     * +inf above a = 88.7, which is how a diverging run (a learning rate of 1e30) used to end; these loops do not
     * overflow, so the loss says so itself and the engine stops the stage with its divergence message.
     */
    public static double crossEntropySum(INDArray a, INDArray x, INDArray softplus) {
        return crossEntropySum(Level1.dot(x, a), softplus);
    }

    /**
     * {@link #crossEntropySum(INDArray, INDArray, INDArray)} given {@code x.a}, taken before {@code a} was overwritten.
     */
    public static double crossEntropySum(double xDotA, INDArray softplus) {
        double sum = Level1.sum(softplus) - xDotA;
        return sum > DIVERGED_MEAN * softplus.length() ? Double.POSITIVE_INFINITY : sum;
    }

    /** Turns the Java loops on or off for every caller (tests compare both; off as {@code layerwise.logisticKernels}). */
    public static void enabled(boolean on) {
        enabled = on;
    }

    /** Whether the Java loops run (the switch above). */
    public static boolean enabled() {
        return enabled;
    }

    /** {@code s[i] <- sigmoid(a[i])} for {@code i < len}; {@code s} may be {@code a}. */
    static void sigmoid(float[] a, float[] s, int len) {
        for (int i = 0; i < len; i++) {
            s[i] = Math.min(Math.max(0.5f + centred(a[i]), 0f), 1f); // P/Q passes -1/2 near -18 by an ulp
        }
    }

    /** {@code sigmoid(a) - 1/2} as the rational function {@code c P(c^2) / Q(c^2)}, c = a clamped to +-CLAMP. */
    private static float centred(float a) {
        float c = Math.min(Math.max(a, -CLAMP), CLAMP);
        float t = c * c;
        float p = ((((((P6 * t + P5) * t + P4) * t + P3) * t + P2) * t + P1) * t + P0) * c;
        float q = ((Q3 * t + Q2) * t + Q1) * t + 1f;
        return p / q;
    }

    /**
     * {@code y[i] <- tanh(x[i])} for {@code from <= i < to}; {@code y} may be {@code x}.
     * {@code tanh x = 2 (sigmoid(2x) - 1/2)}, and {@link #centred} computes {@code sigmoid - 1/2} itself, odd in its
     * argument: so no cancellation near 0, where the result keeps a normal argument's relative precision (tanh(1e-30)
     * is 1e-30, -0 stays -0). Within 3.1e-7 of the exact tanh everywhere (5 units in the last place, near |x| = 7.4,
     * where tanh is within 1e-6 of 1); +-1 beyond |x| = 9; NaN stays NaN. libnd4j's op takes 6 ns a value, this loop
     * 0.6 under C2.
     */
    public static void tanh(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = Math.min(Math.max(2f * centred(2f * x[i]), -1f), 1f);
        }
    }

    /**
     * {@code out[i] <- max(a[i], 0) - log(max(s[i], 1 - s[i]))} from {@code s = sigmoid(a)}; {@code out} may be
     * either input. A loop of its own: with the sigmoid's body in the same loop C2 no longer unrolls it, and without
     * unrolling it does not vectorise (13 ns a value instead of 1).
     */
    static void softplus(float[] a, float[] s, float[] out, int len) {
        for (int i = 0; i < len; i++) {
            float si = s[i];
            float w = Math.max(si, 1f - si);
            float u = (w - 1f) / (w + 1f);
            float u2 = u * u;
            float series = ((((((L7 * u2 + L6) * u2 + L5) * u2 + L4) * u2 + L3) * u2 + L2) * u2 + L1) * u2 + 1f;
            out[i] = Math.max(a[i], 0f) - 2f * u * series;
        }
    }

    /** {@code g[i] <- g[i] * ((1 - y[i]) * y[i])}. */
    static void sigmoidDerivative(float[] y, float[] g, int len) {
        for (int i = 0; i < len; i++) {
            g[i] *= (1f - y[i]) * y[i];
        }
    }

    /** {@code x[i] <- s[i] - x[i]}. */
    static void subtractFrom(float[] s, float[] x, int len) {
        for (int i = 0; i < len; i++) {
            x[i] = s[i] - x[i];
        }
    }

    /**
     * Whether the Java loops may run on these arrays: float32 on the CPU, one length an {@code int} indexes, each
     * contiguous in row order (a whole array or a block of whole rows, such as {@link RowHalves}' views), so that
     * value {@code i} of each sits at {@code offset + i} of its buffer.
     */
    static boolean heap(INDArray... arrays) {
        return enabled && CPU && NdArrays.rowBlocksFloat32(arrays);
    }

    /** The whole buffer under {@code a} (a view's included): value {@code i} of {@code a} at {@code a.offset() + i}. */
    private static FloatBuffer nio(INDArray a) {
        return a.data().asNioFloat();
    }
}
