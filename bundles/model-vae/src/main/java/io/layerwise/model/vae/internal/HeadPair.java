package io.layerwise.model.vae.internal;

import io.layerwise.core.nn.Level3;
import io.layerwise.core.nn.NdArrays;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The mean and log-variance heads of a float32 {@link Vae} as one affine layer of twice the width:
 * <pre>
 *   [mu s] = h [Wmu Wlogvar] + [bmu blogvar],   [dWmu dWlogvar] = h^T [dmu ds],   dh = [dmu ds] [Wmu Wlogvar]^T
 * </pre>
 * three products per step where the two {@link Dense} heads make six (and two bias products where they make four):
 * at W6's shapes (h 128 x 400, latent 20) each is a 1-2 MFLOP product whose fixed cost (OpenBLAS hands it to its
 * second thread) is most of its time. The parameters stay the two {@link Dense} layers' arrays, with their names and
 * shapes, so the optimizer's state and the checkpoints are those of the separate heads: the joined weights are copied
 * from them before each forward pass, and the joined gradient is split back into theirs. The copies are row-wise heap
 * copies of 16,000 values (a few microseconds). {@code VaeFusedStepTest} checks the joined step against the separate
 * one and against the float64 step.
 */
final class HeadPair implements AutoCloseable {
    private final Dense mu;
    private final Dense logVar;
    private final int latent;
    /** [Wmu Wlogvar] (in x 2L), [bmu blogvar] (1 x 2L) and their gradients. */
    private final INDArray w;
    private final INDArray b;
    private final INDArray gW;
    private final INDArray gB;
    private float[] left = new float[0];
    private float[] right = new float[0];
    private float[] both = new float[0];

    HeadPair(Dense mu, Dense logVar) {
        this.mu = mu;
        this.logVar = logVar;
        this.latent = mu.outputs();
        int in = mu.inputs();
        this.w = Nd4j.createUninitialized(DataType.FLOAT, in, 2L * latent);
        this.b = Nd4j.createUninitialized(DataType.FLOAT, 1, 2L * latent);
        this.gW = Nd4j.createUninitialized(DataType.FLOAT, in, 2L * latent);
        this.gB = Nd4j.createUninitialized(DataType.FLOAT, 1, 2L * latent);
    }

    /** Bytes of the joined arrays of heads with {@code in} inputs and {@code latent} units each. */
    static long bytes(int in, int latent) {
        return 4L * 2 * (2L * in * latent + 2L * latent);
    }

    /** {@code buf.mu}, {@code buf.logVar} of the rows of {@code h}; leaves the joined weights for {@link #backward}. */
    void forward(INDArray h, VaeBuffers buf) {
        join(mu.w, logVar.w, w);
        join(mu.b, logVar.b, b);
        Level3.gemmPlusRow(h, w, buf.heads, false, false, b, buf.ones);
        split(buf.heads, buf.mu, buf.logVar);
    }

    /**
     * Both heads' gradients from {@code buf.dMu} and {@code buf.dLogVar}, after {@link #forward} of the same batch;
     * {@code dh <- [dmu ds] [Wmu Wlogvar]^T} when not null.
     */
    void backward(INDArray h, VaeBuffers buf, INDArray dh) {
        join(buf.dMu, buf.dLogVar, buf.headsGrad);
        Level3.gemm(h, buf.headsGrad, gW, true, false, 1.0, 0.0);
        Level3.gemm(buf.ones, buf.headsGrad, gB, false, false, 1.0, 0.0);
        split(gW, mu.gW, logVar.gW);
        split(gB, mu.gB, logVar.gB);
        if (dh != null) {
            Level3.gemm(buf.headsGrad, w, dh, false, true, 1.0, 0.0);
        }
    }

    /** {@code out (R x 2L) <- [l r]}, row by row, for {@code l} and {@code r} (R x L). */
    private void join(INDArray l, INDArray r, INDArray out) {
        int rows = (int) l.rows();
        int n = rows * latent;
        grow(n);
        nio(l).get(0, left, 0, n);
        nio(r).get(0, right, 0, n);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(left, i * latent, both, 2 * i * latent, latent);
            System.arraycopy(right, i * latent, both, (2 * i + 1) * latent, latent);
        }
        nio(out).put(0, both, 0, 2 * n);
    }

    /** {@code l <- in[:, :L]}, {@code r <- in[:, L:]} for {@code in} (R x 2L). */
    private void split(INDArray in, INDArray l, INDArray r) {
        int rows = (int) in.rows();
        int n = rows * latent;
        grow(n);
        nio(in).get(0, both, 0, 2 * n);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(both, 2 * i * latent, left, i * latent, latent);
            System.arraycopy(both, (2 * i + 1) * latent, right, i * latent, latent);
        }
        nio(l).put(0, left, 0, n);
        nio(r).put(0, right, 0, n);
    }

    /** Heap copies for {@code n} values a side (the largest of the weights and a chunk of rows). */
    private void grow(int n) {
        if (left.length < n) {
            left = new float[n];
            right = new float[n];
            both = new float[2 * n];
        }
    }

    private static FloatBuffer nio(INDArray a) {
        return a.data().asNioFloat();
    }

    @Override
    public void close() {
        NdArrays.close(w, b, gW, gB);
    }
}
