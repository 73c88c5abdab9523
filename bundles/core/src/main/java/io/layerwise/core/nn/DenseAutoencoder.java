package io.layerwise.core.nn;

import io.layerwise.api.regularizer.Penalty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A one-hidden-layer autoencoder on row-major minibatches {@code X} (B x n):
 * <pre>
 *   Y = f(X~ W + bh)        W: n x h, the encoder (and the filters)
 *   A = Y D^T + bv          D = W (tied) or Wdec (n x h, untied)
 *   Z = g(A)
 *   E = (1/B) sum_b L(Z_b, X_b) + P
 * </pre>
 * where {@code X~} is the (possibly corrupted) input, {@code X} the target and {@code P} the sum of the
 * penalties. The gradient of {@code E}, with {@code Delta = dL/dA}:
 * <pre>
 *   dbv = (1/B) 1^T Delta
 *   dD  = (1/B) Delta^T Y                  (for tied weights this is the decoder's share of dW)
 *                                      (+ dP/dWdec when untied: Penalty.onDecoderWeights)
 *   dY  = (1/B) Delta D   (+ dP/dY: Penalty.onHidden, which also sees W)
 *   dU  = dY * f'(U)
 *   dW  = X~^T dU (+ dD when tied; both in one product, [Delta/B; X~]^T [Y; dU], see BatchBuffers)  (+ dP/dW)
 *   dbh = 1^T dU                    (+ dP/db: Penalty.onBias)
 * </pre>
 * All products are {@link Level3#gemm} into preallocated arrays. Parameters and gradients share the data type
 * they were created with (float32 in training; float64 in gradient checks).
 */
public final class DenseAutoencoder implements AutoCloseable {
    private final Architecture arch;
    private final INDArray w;
    private final INDArray bh;
    private final INDArray bv;
    private final INDArray wDec;
    private final INDArray gW;
    private final INDArray gBh;
    private final INDArray gBv;
    private final INDArray gWDec;

    private DenseAutoencoder(Architecture arch, INDArray w, INDArray wDec) {
        this.arch = arch;
        DataType type = w.dataType();
        this.w = w;
        this.wDec = wDec;
        this.bh = Nd4j.zeros(type, 1, arch.hidden());
        this.bv = Nd4j.zeros(type, 1, arch.inputs());
        this.gW = Nd4j.zeros(type, arch.inputs(), arch.hidden());
        this.gBh = Nd4j.zeros(type, 1, arch.hidden());
        this.gBv = Nd4j.zeros(type, 1, arch.inputs());
        this.gWDec = wDec == null ? null : Nd4j.zeros(type, arch.inputs(), arch.hidden());
    }

    /** Parameters initialised by {@link UniformInit}, deterministic in {@code seed}. */
    public static DenseAutoencoder initialise(Architecture arch, long seed, DataType type) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = arch.inputs();
        int h = arch.hidden();
        INDArray w = UniformInit.uniformArray(n, h, UniformInit.radius(n, h, arch.encoder()), rng, type);
        INDArray wDec = arch.tied() ? null
                : UniformInit.uniformArray(n, h, UniformInit.radius(h, n, arch.decoder()), rng, type);
        return new DenseAutoencoder(arch, w, wDec);
    }

    /** Values in the parameters (and as many in the gradients): {@code W}, {@code bh}, {@code bv} and, untied, {@code Wdec}. */
    public static long parameterValues(Architecture arch) {
        long weights = (long) arch.inputs() * arch.hidden();
        return (arch.tied() ? weights : 2 * weights) + arch.hidden() + arch.inputs();
    }

    public Architecture architecture() {
        return arch;
    }

    /** Work arrays for minibatches of {@code batch} rows. */
    public BatchBuffers buffers(int batch) {
        return new BatchBuffers(batch, arch.inputs(), arch.hidden(), w.dataType());
    }

    /** Encoder weights {@code W} (inputs x hidden); also the filters. */
    public INDArray weights() {
        return w;
    }

    /** Decoder weights {@code Wdec} (inputs x hidden, used as {@code Y Wdec^T}); null when tied. */
    public INDArray decoderWeights() {
        return wDec;
    }

    /** Hidden bias {@code bh} (1 x hidden). */
    public INDArray hiddenBias() {
        return bh;
    }

    /** Visible bias {@code bv} (1 x inputs). */
    public INDArray visibleBias() {
        return bv;
    }

    /** W, bh, bv (and Wdec when untied): the order of {@link #gradients()}. */
    public List<INDArray> parameters() {
        List<INDArray> p = new ArrayList<>(List.of(w, bh, bv));
        if (wDec != null) {
            p.add(wDec);
        }
        return Collections.unmodifiableList(p);
    }

    /** The gradients written by the last {@link #gradient} call, in the order of {@link #parameters()}. */
    public List<INDArray> gradients() {
        List<INDArray> g = new ArrayList<>(List.of(gW, gBh, gBv));
        if (gWDec != null) {
            g.add(gWDec);
        }
        return Collections.unmodifiableList(g);
    }

    /** {@code b.hidden <- f(x W + bh)}. */
    public INDArray encode(INDArray x, BatchBuffers b) {
        Level3.gemmPlusRow(x, w, b.hidden, false, false, bh, b.ones);
        b.halves.run(b.hidden.length(), h -> arch.encoder().applyInPlace(h.apply(b.hidden)));
        return b.hidden;
    }

    /** {@code b.out <- g(f(x W + bh) D^T + bv)}. */
    public INDArray reconstruct(INDArray x, BatchBuffers b) {
        encode(x, b);
        decodePreActivation(b);
        arch.decoder().applyInPlace(b.out);
        return b.out;
    }

    /** Sum over the rows of {@code x} of the per-sample loss of the reconstruction of {@code x} itself. */
    public double reconstructionLoss(INDArray x, BatchBuffers b) {
        encode(x, b);
        decodePreActivation(b);
        return arch.loss().loss(b.out, x, arch.decoder(), b.scratchOut);
    }

    /**
     * Forward and backward pass: writes the gradient of {@code E} into {@link #gradients()} and returns the pair
     * (sum over the batch of the per-sample loss, penalty {@code P}).
     *
     * @param input     the encoder's input {@code X~} (B x inputs): the clean data or a corrupted copy
     * @param target    the reconstruction target {@code X} (B x inputs)
     * @param penalties called in the documented order: all onHidden, then all onWeights and onBias
     */
    public Objective gradient(INDArray input, INDArray target, BatchBuffers b, List<Penalty> penalties) {
        return pass(input, target, b, penalties, 0.0);
    }

    /**
     * {@link #gradient} and the plain SGD step {@code theta <- theta - lr g} of every parameter in one: the weight
     * matrices are updated by the products that make their gradients (alpha {@code -lr}, beta 1), so neither
     * {@code dW} nor the pass over {@code W} that applies it exists. The same parameters as {@code gradient} then
     * {@code Sgd} without momentum, up to rounding. Afterwards {@link #gradients()} hold only the penalties' share of
     * the weight gradients (zero without penalties) and the bias gradients.
     *
     * @param lr the learning rate, positive ({@code Optimizer.plainRate})
     */
    public Objective descend(INDArray input, INDArray target, BatchBuffers b, List<Penalty> penalties, double lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be positive, got " + lr);
        }
        return pass(input, target, b, penalties, lr);
    }

    /** The gradient when {@code lr} is 0; with {@code lr > 0}, also the SGD step. */
    private Objective pass(INDArray input, INDArray target, BatchBuffers b, List<Penalty> penalties, double lr) {
        boolean step = lr > 0;
        INDArray dec = wDec == null ? w : wDec;

        encode(input, b);
        decodePreActivation(b);
        double lossSum = arch.loss().lossAndDelta(b.out, target, arch.decoder(), b.delta, b.scratchOut,
                b.halves);
        Level1.scal(1.0 / b.batch(), b.delta); // every use below wants Delta / B

        Level3.gemm(b.ones, b.delta, gBv, false, false, 1.0, 0.0);
        Level3.gemm(b.delta, dec, b.gradHidden, false, false, 1.0, 0.0);
        double penalty = 0;
        for (Penalty p : penalties) {
            penalty += p.onHidden(b.hidden, b.gradHidden, w);
        }
        b.halves.run(b.hidden.length(), h -> arch.encoder().multiplyDerivative(h.apply(b.hidden),
                h.apply(b.gradHidden), h.apply(b.scratchHidden)));
        Level3.gemm(b.ones, b.gradHidden, gBh, false, false, 1.0, 0.0);
        if (!step) {
            weightProducts(input, b, gW, gWDec, 1.0, 0.0);
        } else if (!penalties.isEmpty()) {
            gW.assign(0); // the penalties' share alone, applied below
            if (gWDec != null) {
                gWDec.assign(0);
            }
        }
        for (Penalty p : penalties) { // before the step: penalties see the weights the loss was computed with
            penalty += p.onWeights(w, gW, b.hidden);
            if (wDec != null) {
                penalty += p.onDecoderWeights(wDec, gWDec);
            }
            penalty += p.onBias("bh", bh, gBh);
            penalty += p.onBias("bv", bv, gBv);
        }
        if (step) {
            weightProducts(input, b, w, wDec, -lr, 1.0);
            if (!penalties.isEmpty()) {
                Level1.axpy(-lr, gW, w);
                if (wDec != null) {
                    Level1.axpy(-lr, gWDec, wDec);
                }
            }
            Level1.axpy(-lr, gBh, bh);
            Level1.axpy(-lr, gBv, bv);
        }
        return new Objective(lossSum, penalty);
    }

    /**
     * {@code out <- alpha dW + beta out} (and {@code outDec} with {@code dWdec}) for the data's share of the weight
     * gradients: into the gradients (alpha 1, beta 0) or onto the weights themselves (alpha -lr, beta 1).
     */
    private void weightProducts(INDArray input, BatchBuffers b, INDArray out, INDArray outDec, double alpha,
            double beta) {
        if (wDec == null) {
            // dW = [Delta/B; X~]^T [Y; dU]: the decoder's and the encoder's share in one product
            if (input != b.input) {
                b.input.assign(input);
            }
            Level3.gemm(b.stackedInputs, b.stackedHidden, out, true, false, alpha, beta);
        } else {
            Level3.gemm(b.delta, b.hidden, outDec, true, false, alpha, beta);
            Level3.gemm(input, b.gradHidden, out, true, false, alpha, beta);
        }
    }

    private void decodePreActivation(BatchBuffers b) {
        Level3.gemmPlusRow(b.hidden, wDec == null ? w : wDec, b.out, false, true, bv, b.ones);
    }

    @Override
    public void close() {
        NdArrays.close(w, bh, bv, wDec, gW, gBh, gBv, gWDec);
    }

    /**
     * The value of one minibatch's objective.
     *
     * @param lossSum sum over the batch of the per-sample loss
     * @param penalty the penalties' share {@code P} of the mean objective
     */
    public record Objective(double lossSum, double penalty) {
        /** The minibatch objective {@code E = lossSum / B + P}. */
        public double mean(int batch) {
            return lossSum / batch + penalty;
        }

        /** {@code B * E}: the sum over the batch of the per-sample objective. */
        public double sum(int batch) {
            return lossSum + batch * penalty;
        }
    }
}
