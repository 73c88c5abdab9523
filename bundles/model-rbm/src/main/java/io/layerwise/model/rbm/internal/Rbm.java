package io.layerwise.model.rbm.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.core.nn.Level1;
import io.layerwise.core.nn.Level3;
import io.layerwise.core.nn.Logistic;
import io.layerwise.core.nn.NdArrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SoftPlus;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A restricted Boltzmann machine on row-major minibatches {@code V} (B x n), {@code W}: n x h, {@code bv}: 1 x n,
 * {@code bh}: 1 x h:
 * <pre>
 *   E(v,h) = -bv.v - bh.h - v W h           (Bernoulli visible units)
 *   E(v,h) = |v - bv|^2 / 2 - bh.h - v W h  (Gaussian visible units, unit variance)
 *   p(h_j = 1 | v) = sigm(bh_j + (v W)_j)
 *   p(v_i = 1 | h) = sigm(bv_i + (W h)_i)   or   v | h ~ N(bv + W h, I)
 *   F(v) = -log sum_h exp(-E(v,h)) = -bv.v (or |v - bv|^2 / 2) - sum_j softplus(bh_j + (v W)_j)
 * </pre>
 * The gradient of the mean negative log-likelihood {@code -(1/B) sum_b log p(v_b)}, estimated by CD-k or PCD-k
 * ({@link ContrastiveDivergence}), is written into {@link #gradients()} so that SGD descends it:
 * <pre>
 *   dW  = (1/B) (V_k^T p(H|V_k) - V^T p(H|V))
 *   dbv = (1/B) 1^T (V_k - V)
 *   dbh = (1/B) 1^T (p(H|V_k) - p(H|V))
 * </pre>
 * plus the penalties' {@code dP/dW}, {@code dP/db} and, for penalties on the hidden activations {@code p(H|V)},
 * {@code V^T (dP/dH * H(1-H))}. All products are {@code Level3.gemm} into preallocated arrays; sampling draws into
 * them too. Parameters and gradients share the data type they were created with (float32 in training).
 */
final class Rbm implements AutoCloseable {
    private final int visible;
    private final int hidden;
    private final VisibleUnits units;
    private final INDArray w;
    private final INDArray bh;
    private final INDArray bv;
    private final INDArray gW;
    private final INDArray gBh;
    private final INDArray gBv;
    /** Rows of ones by length, for the bias rows of {@link Level3#gemmPlusRow}. */
    private final Map<Long, INDArray> ones = new HashMap<>();

    private Rbm(VisibleUnits units, INDArray w) {
        this.units = units;
        this.visible = (int) w.rows();
        this.hidden = (int) w.columns();
        DataType type = w.dataType();
        this.w = w;
        this.bh = Nd4j.zeros(type, 1, hidden);
        this.bv = Nd4j.zeros(type, 1, visible);
        this.gW = Nd4j.zeros(type, visible, hidden);
        this.gBh = Nd4j.zeros(type, 1, hidden);
        this.gBv = Nd4j.zeros(type, 1, visible);
    }

    /**
     * {@code W ~ N(0, initStd^2)}, biases 0, drawn with {@link SplittableRandom} (a block at a time, through the heap:
     * {@link NdArrays#draw}), so the values depend on the seed only, not on the ND4J version or backend.
     */
    static Rbm initialise(int visible, int hidden, VisibleUnits units, double initStd, long seed, DataType type) {
        if (visible < 1 || hidden < 1) {
            throw new IllegalArgumentException("visible and hidden must be positive, got " + visible + " and " + hidden);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        return new Rbm(units, NdArrays.draw(visible, hidden, type, () -> initStd * rng.nextGaussian()));
    }

    int visible() {
        return visible;
    }

    int hidden() {
        return hidden;
    }

    VisibleUnits units() {
        return units;
    }

    /** {@code W} (visible x hidden); also the filters. */
    INDArray weights() {
        return w;
    }

    /** {@code bh} (1 x hidden). */
    INDArray hiddenBias() {
        return bh;
    }

    /** {@code bv} (1 x visible). */
    INDArray visibleBias() {
        return bv;
    }

    /** W, bh, bv: the order of {@link #gradients()}. */
    List<INDArray> parameters() {
        return List.of(w, bh, bv);
    }

    /** The gradients written by the last {@link #gradient} call, in the order of {@link #parameters()}. */
    List<INDArray> gradients() {
        return List.of(gW, gBh, gBv);
    }

    /** Work arrays for minibatches of {@code batch} rows. */
    GibbsBuffers buffers(int batch) {
        return new GibbsBuffers(batch, visible, hidden, w.dataType());
    }

    /** {@code out <- p(h = 1 | v) = sigm(v W + bh)}. */
    INDArray hiddenProbabilities(INDArray v, INDArray out) {
        Level3.gemmPlusRow(v, w, out, false, false, bh, ones(out.rows()));
        Logistic.sigmoid(out, out);
        return out;
    }

    private static void sigmoid(INDArray x) {
        Logistic.sigmoid(x, x);
    }

    /** {@code out <- h W^T + bv}, the visible pre-activation. */
    INDArray visiblePreActivation(INDArray h, INDArray out) {
        Level3.gemmPlusRow(h, w, out, false, true, bv, ones(out.rows()));
        return out;
    }

    private INDArray ones(long rows) {
        return ones.computeIfAbsent(rows, n -> Nd4j.ones(w.dataType(), 1, n));
    }

    /** {@code out <- E[v | h]}. */
    INDArray visibleMean(INDArray h, INDArray out) {
        visiblePreActivation(h, out);
        units.meanInPlace(out);
        return out;
    }

    /**
     * Sum over the rows of {@code v} of the error of the mean-field reconstruction {@code v -> p(h|v) -> E[v|h]}:
     * cross-entropy for Bernoulli visible units, squared error for Gaussian ones.
     */
    double reconstructionError(INDArray v, GibbsBuffers b) {
        hiddenProbabilities(v, b.hPos);
        visiblePreActivation(b.hPos, b.recon);
        return units.error(b.recon, v, b.scratchVisible);
    }

    /**
     * One CD-k or PCD-k estimate of the gradient for the minibatch {@code v0}, written into {@link #gradients()}.
     * Four GEMMs for CD-1 ({@link GibbsBuffers} stacks the phases): {@code v0 W}; {@code [h_0 ; p(h|v0)] W^T} (the
     * chain's first visible step and the reconstruction at once); {@code v_1 W}; {@code [v_1 ; -v0]^T [p(h|v_1) ;
     * p(h|v0)]}. With {@link TrainError#SAMPLED} the second is {@code h_0 W^T} alone: five {@code B n h} products
     * instead of six.
     *
     * @param chains    PCD's persistent chains; null for CD (chains start at the data)
     * @param penalties called in the documented order: all onHidden, then all onWeights and onBias
     * @param error     which reconstruction's error to return; {@link TrainError#SAMPLED} needs CD
     * @return the batch's summed reconstruction error (before the update) and the penalty
     */
    BatchResult gradient(INDArray v0, GibbsBuffers b, ContrastiveDivergence cd, PersistentChains chains,
            Sampler sampler, List<Penalty> penalties, TrainError error) {
        return pass(v0, b, cd, chains, sampler, penalties, error, 0.0);
    }

    /**
     * {@link #gradient} and the plain SGD step {@code theta <- theta - lr g} in one: {@code W} is updated by the
     * product that makes its gradient (alpha {@code -lr/B}, beta 1), as the PyTorch loop's {@code addmm_} does.
     * Afterwards {@link #gradients()} hold only the penalties' share of {@code dW} (zero without penalties) and the
     * bias gradients.
     */
    BatchResult descend(INDArray v0, GibbsBuffers b, ContrastiveDivergence cd, PersistentChains chains,
            Sampler sampler, List<Penalty> penalties, TrainError error, double lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be positive, got " + lr);
        }
        return pass(v0, b, cd, chains, sampler, penalties, error, lr);
    }

    /** The gradient when {@code lr} is 0; with {@code lr > 0}, also the SGD step. */
    private BatchResult pass(INDArray v0, GibbsBuffers b, ContrastiveDivergence cd, PersistentChains chains,
            Sampler sampler, List<Penalty> penalties, TrainError errorKind, double lr) {
        if (errorKind == TrainError.SAMPLED && cd.persistent()) {
            throw new IllegalArgumentException("the sampled reconstruction error needs CD: PCD's chain does not start at"
                    + " the data");
        }
        boolean step = lr > 0;
        double inv = 1.0 / b.batch();
        Level3.gemmPlusRow(v0, w, b.hPos, false, false, bh, b.ones);
        b.halves.run(b.hPos.length(), h -> sigmoid(h.apply(b.hPos)));
        INDArray persistent = chains == null ? null : chains.rows(b.batch());
        if (persistent != null && chains.started()) {
            b.hChain.assign(persistent);
        } else {
            sampler.bernoulli(b.hPos, b.hChain);
        }
        double error;
        if (errorKind == TrainError.SAMPLED) {
            // step 1 alone, h_0 W^T + bv: its error before the mean is the sampled reconstruction's
            Level3.gemmPlusRow(b.hChain, w, b.vNeg, false, true, bv, b.ones);
            error = units.errorThenMean(b.vNeg, v0, b.scratchVisible, b.halves);
        } else {
            // step 1 and the reconstruction in one GEMM: [h_0 ; p(h|v0)] W^T + bv
            Level3.gemmPlusRow(b.hidden, w, b.visible, false, true, bv, b.onesStacked);
            // the reconstruction's error terms and the chain's first visible mean E[v_1 | h_0], one pass on both cores
            b.halves.run(b.recon.length(), h -> {
                units.errorTerms(h.apply(b.recon), h.apply(v0), h.apply(b.scratchVisible));
                units.meanInPlace(h.apply(b.vNeg));
            });
            error = units.errorSum(b.recon, v0, b.scratchVisible);
        }
        for (int k = 1; k <= cd.k(); k++) {
            boolean last = k == cd.k();
            if (k > 1) {
                visiblePreActivation(b.hChain, b.vNeg);
                units.meanInPlace(b.vNeg);
            }
            if (!last || cd.sampleVisible()) {
                units.sample(b.vNeg, b.vNeg, sampler, b.scratchVisible);
            }
            // p(h | v_k), over the sample it came from; after the last step recon <- -v0 for the gradient product
            Level3.gemmPlusRow(b.vNeg, w, b.hChain, false, false, bh, b.ones);
            b.halves.run(b.hChain.length(), h -> sigmoid(h.apply(b.hChain)));
            if (last) {
                Level1.copy(-1.0, v0, b.recon);
            }
            if (!last) {
                sampler.bernoulli(b.hChain, b.hChain);
            } else if (persistent != null) {
                sampler.bernoulli(b.hChain, persistent);
                chains.markStarted();
            }
        }
        Level3.gemm(b.onesStacked, b.visible, gBv, false, false, inv, 0.0);
        Level3.gemm(b.signs, b.hidden, gBh, false, false, inv, 0.0);
        if (!step) {
            Level3.gemm(b.visible, b.hidden, gW, true, false, inv, 0.0);
            return new BatchResult(error, penalties.isEmpty() ? 0 : applyPenalties(v0, b, penalties));
        }
        double penalty = 0;
        if (!penalties.isEmpty()) { // before the step: penalties see the weights the gradient was computed with
            gW.assign(0);
            penalty = applyPenalties(v0, b, penalties);
        }
        Level3.gemm(b.visible, b.hidden, w, true, false, -lr * inv, 1.0);
        if (!penalties.isEmpty()) {
            Level1.axpy(-lr, gW, w);
        }
        Level1.axpy(-lr, gBh, bh);
        Level1.axpy(-lr, gBv, bv);
        return new BatchResult(error, penalty);
    }

    private double applyPenalties(INDArray v0, GibbsBuffers b, List<Penalty> penalties) {
        double penalty = 0;
        INDArray gradHidden = b.gradHidden();
        gradHidden.assign(0);
        for (Penalty p : penalties) {
            penalty += p.onHidden(b.hPos, gradHidden);
        }
        if (Level1.asum(gradHidden) != 0) { // only penalties on activations pay for this GEMM
            INDArray slope = b.scratchHidden();
            Nd4j.exec(new ScalarReverseSubtraction(b.hPos, null, slope, 1.0));
            slope.muli(b.hPos); // h(1-h)
            gradHidden.muli(slope);
            Level3.gemm(v0, gradHidden, gW, true, false, 1.0, 1.0);
            Level3.gemm(b.ones, gradHidden, gBh, false, false, 1.0, 1.0);
        }
        for (Penalty p : penalties) {
            penalty += p.onWeights(w, gW, b.hPos);
            penalty += p.onBias("bh", bh, gBh);
            penalty += p.onBias("bv", bv, gBv);
        }
        return penalty;
    }

    /**
     * The free energy {@code F(v)} of each row of {@code v}. Allocates its work arrays: for evaluation, not for the
     * training loop.
     */
    double[] freeEnergy(INDArray v) {
        DataType type = w.dataType();
        long n = v.rows();
        try (INDArray pre = Nd4j.createUninitialized(type, n, hidden);
                INDArray f = Nd4j.createUninitialized(type, n, 1)) {
            return freeEnergy(v, pre, f);
        }
    }

    /** {@link #freeEnergy(INDArray)} in the caller's scratch: {@code pre} (rows x hidden) and {@code f} (rows x 1). */
    double[] freeEnergy(INDArray v, INDArray pre, INDArray f) {
        DataType type = w.dataType();
        try (INDArray onesHidden = Nd4j.ones(type, hidden, 1)) {
            Level3.gemm(v, w, pre, false, false, 1.0, 0.0);
            pre.addiRowVector(bh);
            Nd4j.exec(new SoftPlus(pre, pre));
            Level3.gemm(pre, onesHidden, f, false, false, -1.0, 0.0);
            if (units == VisibleUnits.BERNOULLI) {
                Level3.gemm(v, bv, f, false, true, -1.0, 1.0);
            } else {
                try (INDArray d = v.dup('c'); INDArray onesVisible = Nd4j.ones(type, visible, 1)) {
                    d.subiRowVector(bv);
                    d.muli(d);
                    Level3.gemm(d, onesVisible, f, false, false, 0.5, 1.0);
                }
            }
            return f.toDoubleVector();
        }
    }

    @Override
    public void close() {
        NdArrays.close(w, bh, bv, gW, gBh, gBv);
        NdArrays.close(ones.values().toArray(INDArray[]::new));
    }
}
