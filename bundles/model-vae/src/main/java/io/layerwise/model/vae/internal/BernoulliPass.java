package io.layerwise.model.vae.internal;

import io.layerwise.core.nn.RowHalves;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Bernoulli likelihood's loss and {@code d/da} for a float32 minibatch on the CPU from one libnd4j {@code exp} and
 * one Java pass. The plain path runs libnd4j's softplus and sigmoid (3.8 and 2.5 ns a value; 0.53 and 0.44 ms on a
 * 128 x 784 batch inside a step) and three more calls; both transforms come from the one exponential:
 * <pre>
 *   e = exp(a)                         (libnd4j, 1.7 ns a value)
 *   s = 1 / (1 + 1/e) = sigmoid(a)     (e = +inf gives 1, e = 0 gives 0)
 *   d/da = s - x
 *   softplus(a) = relu(a) - log(max(s, 1 - s))
 * </pre>
 * The last line holds because {@code 1 + e^-a = 1/s} and {@code 1 + e^a = 1/(1 - s)}; the larger of {@code s} and
 * {@code 1 - s} has no cancellation, so each log is good to a float ulp. The logs are taken of products of
 * {@link #BLOCK} such factors, each in [1/2, 1], in double (a product stays above 2^-1022): one {@code Math.log}
 * per block instead of per value. The sums run in double, in a fixed order: the result depends on the values only.
 * {@code VaeFusedStepTest} checks both outputs against float64 on held-out digits and extreme logits. Unlike libnd4j's
 * softplus, which overflows to +inf above a = 88.7 in float32, nothing here overflows.
 *
 * <p>The two loops are {@link #sigmoid} (element-wise, which C2 vectorises) and {@link #sums}; the launcher's kernels
 * mode for VAE jobs gives them to C2 (runtime/layerwise).
 */
final class BernoulliPass {
    /** Values copied to the heap at a time. */
    static final int CHUNK = 4096;
    /** Factors per log, each in [1/2, 1]: a product of at least 2^-512. */
    static final int BLOCK = 512;

    /**
     * The heap chunks of both passes, one set per thread (the row pass runs on both cores): logits, data,
     * {@code exp(a)} then {@code max(s, 1 - s)}, and {@code d/da}.
     */
    private static final ThreadLocal<float[][]> CHUNKS = ThreadLocal.withInitial(() -> new float[4][CHUNK]);
    private RowHalves rowHalves;

    /** A pass for the buffers, or null when they are not float32 on the CPU (the plain path then runs). */
    static BernoulliPass of(INDArray out) {
        return out.dataType() == DataType.FLOAT && Nd4j.getEnvironment().isCPU() ? new BernoulliPass() : null;
    }

    /**
     * The sum over the batch of {@code -log p(x|a)}; {@code delta <- sigmoid(a) - x} (not divided by B). Overwrites
     * {@code scratch} with {@code exp(a)}. All four arrays are contiguous B x n.
     */
    double lossAndDelta(INDArray a, INDArray x, INDArray delta, INDArray scratch) {
        Nd4j.exec(new Exp(a, scratch));
        FloatBuffer ab = nio(a);
        FloatBuffer xb = nio(x);
        FloatBuffer eb = nio(scratch);
        FloatBuffer db = nio(delta);
        int n = (int) a.length();
        float[][] c = CHUNKS.get();
        double[] acc = new double[3];
        for (int lo = 0; lo < n; lo += CHUNK) {
            int len = Math.min(CHUNK, n - lo);
            ab.get(lo, c[0], 0, len);
            xb.get(lo, c[1], 0, len);
            eb.get(lo, c[2], 0, len);
            sigmoid(c[2], c[1], c[3], len);
            db.put(lo, c[3], 0, len);
            sums(c[0], c[1], c[2], len, acc);
        }
        return acc[0] - acc[2] - acc[1]; // sum relu(a) - sum log(max(s, 1 - s)) - sum x a
    }

    /**
     * {@code out[r] <- log p(x_r|a_r) = sum_j x a - softplus(a)} for each row {@code r} of the B x n logits, the sums
     * per row from the same two loops as {@link #lossAndDelta}'s (a row's value is {@code sum x a + sum log m - sum
     * relu(a)}). Overwrites {@code scratch} with {@code exp(a)}; each array is contiguous in row order
     * ({@code NdArrays.rowBlocksFloat32}): {@code a}, {@code x} and {@code scratch} B x n, {@code out} B x 1. The
     * importance-weighted estimate calls it once per sample: through libnd4j's softplus, two element-wise passes and a
     * product it took about half of that estimate's time.
     */
    void rowLogLikelihood(INDArray a, INDArray x, INDArray scratch, INDArray out) {
        if (rowHalves == null) { // the buffers' batch: every call has as many rows
            rowHalves = new RowHalves((int) a.rows());
        }
        // each row on its own, so the two halves give what one thread gives, bit for bit
        rowHalves.run(a.length(), half -> rowPass(half.apply(a), half.apply(x), half.apply(scratch), half.apply(out)));
    }

    /** {@link #rowLogLikelihood} on these rows, with this thread's heap chunks. */
    private static void rowPass(INDArray a, INDArray x, INDArray scratch, INDArray out) {
        Nd4j.exec(new Exp(a, scratch));
        float[][] c = CHUNKS.get();
        double[] acc = new double[3];
        FloatBuffer ab = nio(a);
        FloatBuffer xb = nio(x);
        FloatBuffer eb = nio(scratch);
        FloatBuffer ob = nio(out);
        int rows = (int) a.rows();
        int n = (int) a.columns();
        int aAt = (int) a.offset();
        int xAt = (int) x.offset(); // a chunk of rows of the uploaded held-out matrix, for one
        int eAt = (int) scratch.offset();
        int oAt = (int) out.offset();
        for (int r = 0; r < rows; r++) {
            acc[0] = 0;
            acc[1] = 0;
            acc[2] = 0;
            for (int lo = r * n, end = lo + n; lo < end; lo += CHUNK) {
                int len = Math.min(CHUNK, end - lo);
                ab.get(aAt + lo, c[0], 0, len);
                xb.get(xAt + lo, c[1], 0, len);
                eb.get(eAt + lo, c[2], 0, len);
                sigmoid(c[2], c[1], c[3], len); // its d/da is not needed here
                sums(c[0], c[1], c[2], len, acc);
            }
            ob.put(oAt + r, (float) (acc[1] + acc[2] - acc[0]));
        }
    }

    /** {@code d <- s - x} and {@code e <- max(s, 1 - s)} from {@code e = exp(a)}, with {@code s = sigmoid(a)}. */
    static void sigmoid(float[] e, float[] x, float[] d, int len) {
        for (int i = 0; i < len; i++) {
            float s = 1f / (1f + 1f / e[i]);
            d[i] = s - x[i];
            e[i] = Math.max(s, 1f - s);
        }
    }

    /**
     * {@code acc[0] += sum relu(a)}, {@code acc[1] += sum x a}, {@code acc[2] += sum log m}: the log of each block's
     * product of {@code m}. Scalar under C2 (it does not vectorise floating-point sums), about 1.3 ns a value; four
     * interleaved lanes measured no faster.
     */
    static void sums(float[] a, float[] x, float[] m, int len, double[] acc) {
        double relu = 0;
        double xa = 0;
        double logs = 0;
        for (int from = 0; from < len; from += BLOCK) {
            int to = Math.min(len, from + BLOCK);
            double product = 1;
            for (int i = from; i < to; i++) {
                float ai = a[i];
                relu += Math.max(ai, 0f);
                xa += (double) x[i] * ai;
                product *= m[i];
            }
            logs += Math.log(product);
        }
        acc[0] += relu;
        acc[1] += xa;
        acc[2] += logs;
    }

    private static FloatBuffer nio(INDArray a) {
        return a.data().asNioFloat();
    }
}
