package io.layerwise.finetune.internal;

import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.Level3;
import io.layerwise.core.nn.Loss;
import io.layerwise.core.nn.NdArrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A feed-forward network on row-major minibatches {@code X} (B x n): hidden layers
 * {@code H_l = f_l(H_{l-1} W_l + b_l)} ({@code H_0 = X}), then a softmax {@code P = softmax(H_L V + c)} and the
 * cross-entropy {@code E = -(1/B) sum_b log P_{b, y_b}}. Back-propagation, with {@code Delta = (P - Y) / B}:
 * <pre>
 *   dV = H_L^T Delta,  dc = 1^T Delta,  dH_L = Delta V^T
 *   dU_l = dH_l * f_l'(H_l),  dW_l = H_{l-1}^T dU_l,  db_l = 1^T dU_l,  dH_{l-1} = dU_l W_l^T
 * </pre>
 * Every product is {@code Level3.gemm} into arrays allocated once per batch size ({@link Buffers}). The softmax and
 * the loss of the small B x classes block run on the heap, in double precision, from the logits' maximum (so
 * no exponent overflows). As an unrolled autoencoder ({@link Output#SIGMOID_CROSS_ENTROPY},
 * {@link Output#IDENTITY_SQUARED}) the last layer reconstructs the input instead: {@code Z = g(H_L V + c)}, scored
 * by the core's {@link Loss} against {@code X} itself, with {@code Delta = dL/dA / B}.
 */
final class Mlp implements AutoCloseable {
    /** What the last layer computes and how it is scored. */
    enum Output {
        SOFTMAX(null, null), SIGMOID_CROSS_ENTROPY(Loss.CROSS_ENTROPY, Activation.SIGMOID),
        IDENTITY_SQUARED(Loss.SQUARED, Activation.IDENTITY);

        final Loss loss;
        final Activation activation;

        Output(Loss loss, Activation activation) {
            this.loss = loss;
            this.activation = activation;
        }
    }

    private final Output output;
    private final List<INDArray> weights;
    private final List<INDArray> biases;
    private final List<Activation> activations;
    private final INDArray v;
    private final INDArray c;
    private final List<INDArray> params = new ArrayList<>();
    private final List<INDArray> grads = new ArrayList<>();

    /**
     * Takes ownership of the arrays: {@code weights.get(l)} is {@code n_{l-1} x n_l}, {@code biases.get(l)} is
     * {@code 1 x n_l}, {@code v} is {@code n_L x classes}, {@code c} is {@code 1 x classes}, all of one data type.
     */
    Mlp(List<INDArray> weights, List<INDArray> biases, List<Activation> activations, INDArray v, INDArray c) {
        this(weights, biases, activations, v, c, Output.SOFTMAX);
    }

    Mlp(List<INDArray> weights, List<INDArray> biases, List<Activation> activations, INDArray v, INDArray c,
            Output output) {
        this.output = output;
        this.weights = List.copyOf(weights);
        this.biases = List.copyOf(biases);
        this.activations = List.copyOf(activations);
        this.v = v;
        this.c = c;
        for (int l = 0; l < weights.size(); l++) {
            params.add(weights.get(l));
            params.add(biases.get(l));
        }
        params.add(v);
        params.add(c);
        for (INDArray p : params) {
            grads.add(Nd4j.zeros(p.dataType(), p.shape()));
        }
    }

    int depth() {
        return weights.size();
    }

    int inputs() {
        return (int) (weights.isEmpty() ? v.rows() : weights.get(0).rows());
    }

    int classes() {
        return (int) v.columns();
    }

    Activation activation(int layer) {
        return activations.get(layer);
    }

    /** W_1, b_1, ..., W_L, b_L, V, c: the order of {@link #gradients()}. */
    List<INDArray> parameters() {
        return Collections.unmodifiableList(params);
    }

    List<INDArray> gradients() {
        return Collections.unmodifiableList(grads);
    }

    Buffers buffers(int batch) {
        return new Buffers(batch);
    }

    /** Forward pass; returns the logits {@code H_L V + c} (B x classes) in {@code b}. */
    INDArray logits(INDArray x, Buffers b) {
        INDArray in = x;
        for (int l = 0; l < weights.size(); l++) {
            INDArray h = b.hidden.get(l);
            Level3.gemmPlusRow(in, weights.get(l), h, false, false, biases.get(l), b.ones);
            activations.get(l).applyInPlace(h);
            in = h;
        }
        Level3.gemmPlusRow(in, v, b.logits, false, false, c, b.ones);
        return b.logits;
    }

    /**
     * Forward and backward pass for rows {@code x} with labels {@code labels[offset .. offset+B)}; writes the
     * gradient of the batch-mean cross-entropy into {@link #gradients()} and returns the batch's summed
     * cross-entropy.
     */
    double gradient(INDArray x, int[] labels, int offset, Buffers buffers) {
        Buffers b = buffers.forGradient();
        int batch = b.batch;
        logits(x, b);
        if (output != Output.SOFTMAX) {
            double loss = output.loss.lossAndDelta(b.logits, x, output.activation, b.delta, b.scratchOut);
            b.delta.muli(1.0 / batch);
            return backward(x, b, loss);
        }
        double[] z = b.logits.data().asDouble();
        int k = classes();
        double[] delta = new double[z.length];
        double loss = 0;
        for (int r = 0; r < batch; r++) {
            double lse = logSumExp(z, r * k, k);
            for (int j = 0; j < k; j++) {
                delta[r * k + j] = Math.exp(z[r * k + j] - lse) / batch;
            }
            int y = labels[offset + r];
            delta[r * k + y] -= 1.0 / batch;
            loss += lse - z[r * k + y];
        }
        b.delta.data().setData(delta);
        return backward(x, b, loss);
    }

    /** Back-propagates {@code b.delta} (dE/dA of the output layer) into {@link #gradients()}; returns {@code loss}. */
    private double backward(INDArray x, Buffers b, double loss) {
        int last = weights.size();
        INDArray top = last == 0 ? x : b.hidden.get(last - 1);
        Level3.gemm(top, b.delta, grads.get(2 * last), true, false, 1.0, 0.0);
        Level3.gemm(b.ones, b.delta, grads.get(2 * last + 1), true, false, 1.0, 0.0);
        if (last == 0) {
            return loss;
        }
        Level3.gemm(b.delta, v, b.gradHidden.get(last - 1), false, true, 1.0, 0.0);
        for (int l = last - 1; l >= 0; l--) {
            INDArray dU = b.gradHidden.get(l);
            activations.get(l).multiplyDerivative(b.hidden.get(l), dU, b.scratch.get(l));
            INDArray below = l == 0 ? x : b.hidden.get(l - 1);
            Level3.gemm(below, dU, grads.get(2 * l), true, false, 1.0, 0.0);
            Level3.gemm(b.ones, dU, grads.get(2 * l + 1), true, false, 1.0, 0.0);
            if (l > 0) {
                Level3.gemm(dU, weights.get(l), b.gradHidden.get(l - 1), false, true, 1.0, 0.0);
            }
        }
        return loss;
    }

    /** Summed cross-entropy of {@code labels[offset ..]} and the arg-max class of each row into {@code predicted}. */
    double evaluate(INDArray x, int[] labels, int offset, Buffers b, int[] predicted) {
        logits(x, b);
        double[] z = b.logits.data().asDouble();
        int k = classes();
        double loss = 0;
        for (int r = 0; r < b.batch; r++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (z[r * k + j] > z[r * k + best]) {
                    best = j;
                }
            }
            if (predicted != null) {
                predicted[offset + r] = best;
            }
            if (labels != null) {
                loss += logSumExp(z, r * k, k) - z[r * k + labels[offset + r]];
            }
        }
        return loss;
    }

    /** The reconstructions {@code g(H_L V + c)} of an unrolled autoencoder, in {@code b}. */
    INDArray reconstruct(INDArray x, Buffers b) {
        logits(x, b);
        output.activation.applyInPlace(b.logits);
        return b.logits;
    }

    /** Sum over the rows of {@code x} of the squared reconstruction error {@code sum_i (z_i - x_i)^2}. */
    double squaredError(INDArray x, Buffers b) {
        reconstruct(x, b);
        b.logits.subi(x);
        return Nd4j.getBlasWrapper().dot(b.logits.reshape(b.logits.length()), b.logits.reshape(b.logits.length()));
    }

    /** Sum over the rows of {@code x} of the training loss of their reconstructions. */
    double reconstructionLoss(INDArray x, Buffers b) {
        logits(x, b);
        return output.loss.loss(b.logits, x, output.activation, b.scratchOut);
    }

    Output output() {
        return output;
    }

    private static double logSumExp(double[] z, int from, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, z[from + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(z[from + j] - max);
        }
        return max + Math.log(sum);
    }

    @Override
    public void close() {
        params.forEach(NdArrays::close);
        grads.forEach(NdArrays::close);
    }

    /**
     * Work arrays for one batch size. The back-propagation's arrays are made on the first {@link #gradient} with them,
     * so buffers kept for evaluating chunks of 1,000 rows ({@code MlpNetwork}) hold only the forward pass's.
     */
    final class Buffers implements AutoCloseable {
        final int batch;
        final List<INDArray> hidden = new ArrayList<>();
        final List<INDArray> gradHidden = new ArrayList<>();
        final List<INDArray> scratch = new ArrayList<>();
        final INDArray logits;
        INDArray delta;
        final INDArray scratchOut;
        final INDArray ones;

        private Buffers(int batch) {
            this.batch = batch;
            DataType type = v.dataType();
            for (INDArray w : weights) {
                hidden.add(Nd4j.create(type, batch, w.columns()));
            }
            logits = Nd4j.create(type, batch, v.columns());
            scratchOut = Nd4j.create(type, batch, v.columns());
            ones = Nd4j.ones(type, batch, 1);
        }

        /** Makes the back-propagation's arrays, once. */
        private Buffers forGradient() {
            if (delta == null) {
                DataType type = v.dataType();
                for (INDArray w : weights) {
                    gradHidden.add(Nd4j.create(type, batch, w.columns()));
                    scratch.add(Nd4j.create(type, batch, w.columns()));
                }
                delta = Nd4j.create(type, batch, v.columns());
            }
            return this;
        }

        @Override
        public void close() {
            hidden.forEach(NdArrays::close);
            gradHidden.forEach(NdArrays::close);
            scratch.forEach(NdArrays::close);
            NdArrays.close(logits, delta, scratchOut, ones);
        }
    }
}
