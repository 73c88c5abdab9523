package io.layerwise.model.rbm.internal;

import io.layerwise.api.stage.Picture;
import io.layerwise.core.nn.Level1;
import io.layerwise.core.nn.Logistic;
import io.layerwise.core.nn.RowHalves;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The visible units of an RBM, given the pre-activation {@code a = h W^T + bv}:
 * <ul>
 * <li>Bernoulli: {@code p(v_i = 1 | h) = sigm(a_i)}; reconstruction error is the cross-entropy
 * {@code -sum_i v_i log z_i + (1 - v_i) log(1 - z_i) = sum_i softplus(a_i) - v_i a_i} with {@code z = sigm(a)};
 * free-energy term {@code -bv . v}.</li>
 * <li>Gaussian with unit variance (for whitened input): {@code v | h ~ N(a, I)}; reconstruction error is the
 * summed squared error {@code sum_i (v_i - a_i)^2}; free-energy term {@code sum_i (v_i - bv_i)^2 / 2}.</li>
 * </ul>
 */
enum VisibleUnits {
    BERNOULLI("bernoulli"), GAUSSIAN("gaussian");

    private final String jsonName;

    VisibleUnits(String jsonName) {
        this.jsonName = jsonName;
    }

    String jsonName() {
        return jsonName;
    }

    static String[] jsonNames() {
        return new String[] {BERNOULLI.jsonName, GAUSSIAN.jsonName};
    }

    static VisibleUnits fromJson(String name) {
        for (VisibleUnits u : values()) {
            if (u.jsonName.equals(name)) {
                return u;
            }
        }
        throw new IllegalArgumentException("unknown visible units \"" + name + "\"");
    }

    /** {@code a <- E[v | h]} in place: {@code sigm(a)} or {@code a} itself. */
    void meanInPlace(INDArray a) {
        if (this == BERNOULLI) {
            Logistic.sigmoid(a, a);
        }
    }

    /**
     * {@code out <- a draw from p(v | h)} given {@code mean = E[v | h]}; {@code out} may be {@code mean} itself;
     * {@code scratch} has their shape.
     */
    void sample(INDArray mean, INDArray out, Sampler sampler, INDArray scratch) {
        if (this == BERNOULLI) {
            sampler.bernoulli(mean, out);
        } else {
            if (out != mean) {
                out.assign(mean);
            }
            sampler.addStandardNormal(out, scratch);
        }
    }

    /**
     * Sum over all rows of the reconstruction error of {@code v} by the pre-activation {@code a} (not yet passed
     * through {@link #meanInPlace}); overwrites {@code scratch}.
     */
    double error(INDArray a, INDArray v, INDArray scratch) {
        errorTerms(a, v, scratch);
        return errorSum(a, v, scratch);
    }

    /** The element-wise part of {@link #error}: {@code scratch <- softplus(a)} or {@code a - v}; rows may be a part. */
    void errorTerms(INDArray a, INDArray v, INDArray scratch) {
        if (this == BERNOULLI) {
            Logistic.softplus(a, scratch);
        } else {
            a.sub(v, scratch);
        }
    }

    /** The sums of {@link #error} over all rows, after {@link #errorTerms} on every row. */
    double errorSum(INDArray a, INDArray v, INDArray scratch) {
        if (this == BERNOULLI) {
            return Logistic.crossEntropySum(a, v, scratch);
        }
        return Level1.dot(scratch, scratch);
    }

    /**
     * {@link #error} of the pre-activation {@code a} against {@code v}, then {@code a <- E[v | h]} ({@link
     * #meanInPlace}), the element-wise work on both cores: for Bernoulli units one pass gives the error's softplus
     * terms and the sigmoid, after {@code v.a} is taken. The same values as the three calls; overwrites
     * {@code scratch}.
     */
    double errorThenMean(INDArray a, INDArray v, INDArray scratch, RowHalves halves) {
        if (this == BERNOULLI) {
            double vDotA = Level1.dot(v, a);
            halves.run(a.length(), h -> Logistic.sigmoidAndSoftplus(h.apply(a), h.apply(a), h.apply(scratch)));
            return Logistic.crossEntropySum(vDotA, scratch);
        }
        halves.run(a.length(), h -> errorTerms(h.apply(a), h.apply(v), h.apply(scratch)));
        return errorSum(a, v, scratch);
    }

    /** The key of the held-out reconstruction error in history.json. */
    String testMetric() {
        return this == BERNOULLI ? "testReconstructionCE" : "testReconstructionSE";
    }

    /** How pictures of visible states are drawn: probabilities on [0, 1], real values stretched per tile. */
    Picture.Scaling scaling() {
        return this == BERNOULLI ? Picture.Scaling.UNIT : Picture.Scaling.PER_TILE;
    }
}
