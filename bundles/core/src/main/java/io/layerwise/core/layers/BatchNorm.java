package io.layerwise.core.layers;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation per channel (PyTorch's BatchNorm2d, or BatchNorm1d on a flat vector):
 * {@code y = gamma (x - mu) / sqrt(var + epsilon) + beta}. Training uses the batch's mean and (biased) variance over
 * samples and positions, and updates the running statistics {@code r <- (1 - momentum) r + momentum batch} (the
 * variance unbiased, N / (N - 1)); evaluation uses the running ones. With {@code xhat} the normalised input and N the
 * values per channel, backward is {@code dgamma = sum dy xhat}, {@code dbeta = sum dy},
 * {@code dx = gamma / (N sqrt(var + epsilon)) (N dy - dbeta - xhat dgamma)}. Float32 runs each direction as Java
 * loops over heap copies (statistics summed in double), float64 as ND4J ops (the plain path the fast one is tested
 * against).
 */
public final class BatchNorm extends ShapedLayer {
    private final double momentum;
    private final double epsilon;
    private final INDArray gamma;
    private final INDArray beta;
    private final INDArray gradGamma;
    private final INDArray gradBeta;
    private final INDArray runningMean;
    private final INDArray runningVar;
    private INDArray xhat;
    private INDArray invStd;
    // float32 path: the normalised input of the last training pass, 1 / sqrt(var + epsilon) per channel, buffers
    private float[] xHeap;
    private float[] xhatHeap;
    private float[] yHeap;
    private Kernels.Layout xhatLayout;
    private final double[] mean;
    private final double[] inv;
    private final float[] channelHeap;
    private final float[] gradBetaHeap;
    private INDArray y;
    private INDArray dx;

    public BatchNorm(Shape in, double momentum, double epsilon, DataType type) {
        super(in, in);
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.gamma = Nd4j.ones(type, in.channels());
        this.beta = Nd4j.zeros(type, in.channels());
        this.gradGamma = Nd4j.zeros(type, in.channels());
        this.gradBeta = Nd4j.zeros(type, in.channels());
        this.runningMean = Nd4j.zeros(type, in.channels());
        this.runningVar = Nd4j.ones(type, in.channels());
        this.mean = new double[in.channels()];
        this.inv = new double[in.channels()];
        this.channelHeap = new float[in.channels()];
        this.gradBetaHeap = new float[in.channels()];
    }

    @Override
    public String kind() {
        return "batch-norm";
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (!Floats.fast(x)) {
            return plainForward(x, training);
        }
        int n = (int) x.size(0);
        int m = in.height() * in.width();
        Kernels.Layout images = Kernels.Layout.images(n, in.channels(), m);
        xHeap = Floats.read(x, xHeap);
        if (training) {
            batchStatistics(xHeap, images, n);
        } else {
            runningStatistics();
        }
        yHeap = Floats.work(yHeap, xHeap.length);
        normalise(xHeap, images, n, yHeap, images, training);
        INDArray result = training ? (y = Floats.reuse(y, x.shape())) : Floats.reuse(null, x.shape());
        Floats.write(yHeap, result);
        return result;
    }

    /**
     * Float32 training: the mean and 1 / sqrt(var + epsilon) per channel of the batch {@code x} laid out as
     * {@code layout} (sums in double, the variance from the deviations), and the running statistics updated.
     */
    void batchStatistics(float[] x, Kernels.Layout layout, int n) {
        int c = in.channels();
        int m = in.height() * in.width();
        int count = n * m;
        float[] rm = Floats.read(runningMean, null);
        float[] rv = Floats.read(runningVar, null);
        double unbias = count > 1 ? count / (count - 1.0) : 1.0;
        int run = layout.run(n, m);
        Split.run(c, (long) c * count, (ch0, ch1) -> {
            for (int ch = ch0; ch < ch1; ch++) {
                double mu = Kernels.channelSum(x, layout, n, m, ch) / count;
                double squares = 0;
                for (int q = 0; q < n; q += run / m) {
                    squares += Kernels.squaredDeviations(x, layout.at(q, ch), run, mu);
                }
                double var = squares / count;
                mean[ch] = mu;
                inv[ch] = 1 / Math.sqrt(var + epsilon);
                rm[ch] = (float) ((1 - momentum) * rm[ch] + momentum * mu);
                rv[ch] = (float) ((1 - momentum) * rv[ch] + momentum * unbias * var);
            }
        });
        Floats.write(rm, runningMean);
        Floats.write(rv, runningVar);
    }

    /** Float32 evaluation: the running statistics as the mean and 1 / sqrt(var + epsilon). */
    void runningStatistics() {
        float[] rm = Floats.read(runningMean, null);
        float[] rv = Floats.read(runningVar, null);
        for (int ch = 0; ch < in.channels(); ch++) {
            mean[ch] = rm[ch];
            inv[ch] = 1 / Math.sqrt(rv[ch] + epsilon);
        }
    }

    /**
     * {@code y = gamma (x - mu) inv + beta} with the statistics just computed, {@code x} laid out as {@code from},
     * {@code y} as {@code to}; in training the normalised input is kept (laid out as {@code from}) for backward.
     */
    void normalise(float[] x, Kernels.Layout from, int n, float[] y, Kernels.Layout to, boolean training) {
        int c = in.channels();
        int m = in.height() * in.width();
        float[] g = Floats.read(gamma, null);
        float[] b = Floats.read(beta, null);
        if (training) {
            xhatHeap = Floats.work(xhatHeap, n * in.size());
            xhatLayout = from;
        }
        float[] xhat = xhatHeap;
        Split.run(n, (long) n * c * m, (q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                for (int ch = 0; ch < c; ch++) {
                    float mu = (float) mean[ch];
                    float scale = (float) inv[ch];
                    float gc = g[ch];
                    float bc = b[ch];
                    int start = from.at(q, ch);
                    int shift = to.at(q, ch) - start;
                    if (training) {
                        for (int t = start, end = t + m; t < end; t++) {
                            float h = (x[t] - mu) * scale;
                            xhat[t] = h;
                            y[t + shift] = gc * h + bc;
                        }
                    } else {
                        for (int t = start, end = t + m; t < end; t++) {
                            y[t + shift] = gc * ((x[t] - mu) * scale) + bc;
                        }
                    }
                }
            }
        });
    }

    /** Needs the normalised input of the training forward pass just run on {@code x}. */
    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        if (!Floats.fast(x)) {
            return plainBackward(x, dy);
        }
        int n = (int) x.size(0);
        float[] dyHeap = Floats.read(dy, yHeap);
        // in place: each dy is read before its dx is written (same layout)
        gradient(dyHeap, xhatLayout, n, null, 0f, dyHeap);
        dx = Floats.reuse(dx, x.shape());
        Floats.write(dyHeap, dx);
        return dx;
    }

    /**
     * Float32 backward after {@link #normalise} in training: fills the gamma and beta gradients from {@code dy}
     * (laid out as {@code from}) and writes the input gradient into {@code dx}, laid out as the kept normalised input.
     * With a {@code gate} (the input of this layer, laid out alike, the output of a rectifier of that slope) each
     * value is also multiplied by the rectifier's derivative, 1 where the gate is positive and {@code slope} elsewhere.
     */
    void gradient(float[] dy, Kernels.Layout from, int n, float[] gate, float slope, float[] dx) {
        int c = in.channels();
        int m = in.height() * in.width();
        int count = n * m;
        float[] g = Floats.read(gamma, null);
        float[] xhat = xhatHeap;
        Kernels.Layout kept = xhatLayout;
        Split.run(c, (long) c * count, (ch0, ch1) -> {
            double[] sums = new double[2];
            for (int ch = ch0; ch < ch1; ch++) {
                sums[0] = 0;
                sums[1] = 0;
                for (int q = 0; q < n; q++) {
                    Kernels.sumAndDot(dy, from.at(q, ch), xhat, kept.at(q, ch), m, sums);
                }
                double sumDy = sums[0];
                double sumDyXhat = sums[1];
                gradBetaHeap[ch] = (float) sumDy;
                channelHeap[ch] = (float) sumDyXhat;
                float scale = (float) (g[ch] * inv[ch] / count);
                float db = (float) sumDy;
                float dg = (float) sumDyXhat;
                for (int q = 0; q < n; q++) {
                    int shift = from.at(q, ch) - kept.at(q, ch);
                    int t = kept.at(q, ch);
                    int end = t + m;
                    if (gate == null) {
                        for (; t < end; t++) {
                            dx[t] = scale * (count * dy[t + shift] - db - xhat[t] * dg);
                        }
                    } else {
                        for (; t < end; t++) {
                            float d = scale * (count * dy[t + shift] - db - xhat[t] * dg);
                            dx[t] = d * Kernels.rectifierSlope(gate[t], slope);
                        }
                    }
                }
            }
        });
        Floats.write(gradBetaHeap, gradBeta);
        Floats.write(channelHeap, gradGamma);
    }

    private INDArray plainForward(INDArray x, boolean training) {
        INDArray mean;
        INDArray var;
        if (training) {
            mean = x.mean(0, 2, 3);
            var = x.var(false, 0, 2, 3);
            long count = x.length() / in.channels();
            double unbias = count > 1 ? count / (count - 1.0) : 1.0;
            runningMean.muli(1 - momentum).addi(mean.mul(momentum));
            runningVar.muli(1 - momentum).addi(var.mul(momentum * unbias));
        } else {
            mean = runningMean;
            var = runningVar;
        }
        INDArray inv = Transforms.pow(var.add(epsilon), -0.5, false);
        INDArray norm = Nd4j.create(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new BroadcastSubOp(x, mean, norm, 1));
        Nd4j.getExecutioner().exec(new BroadcastMulOp(norm, inv, norm, 1));
        INDArray y = Nd4j.create(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new BroadcastMulOp(norm, gamma, y, 1));
        Nd4j.getExecutioner().exec(new BroadcastAddOp(y, beta, y, 1));
        if (training) {
            Patches.live(xhat, invStd).forEach(INDArray::close);
            xhat = norm;
            invStd = inv;
        }
        return y;
    }

    private INDArray plainBackward(INDArray x, INDArray dy) {
        long count = x.length() / in.channels();
        gradBeta.assign(dy.sum(0, 2, 3));
        gradGamma.assign(dy.mul(xhat).sum(0, 2, 3));
        INDArray dx = dy.mul(count);
        Nd4j.getExecutioner().exec(new BroadcastSubOp(dx, gradBeta, dx, 1));
        INDArray t = Nd4j.create(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new BroadcastMulOp(xhat, gradGamma, t, 1));
        dx.subi(t);
        t.close();
        INDArray scale = gamma.mul(invStd).divi(count);
        Nd4j.getExecutioner().exec(new BroadcastMulOp(dx, scale, dx, 1));
        return dx;
    }

    @Override
    public List<INDArray> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public List<INDArray> gradients() {
        return List.of(gradGamma, gradBeta);
    }

    @Override
    public List<String> parameterNames() {
        return List.of("weight", "bias");
    }

    @Override
    public List<INDArray> statistics() {
        return List.of(runningMean, runningVar);
    }

    @Override
    public List<String> statisticNames() {
        return List.of("runningMean", "runningVar");
    }

    @Override
    public void close() {
        super.close();
        Patches.live(xhat, invStd, y, dx).forEach(INDArray::close);
    }
}
