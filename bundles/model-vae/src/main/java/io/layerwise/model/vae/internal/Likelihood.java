package io.layerwise.model.vae.internal;

import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.Level1;
import io.layerwise.core.nn.Level3;
import io.layerwise.core.nn.Loss;
import io.layerwise.core.nn.NdArrays;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SoftPlus;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The decoder's {@code p(x|z)} from its output {@code a} (B x n), as sums over the n inputs of each row:
 * <ul>
 * <li>{@code bernoulli}: {@code a} are logits, {@code -log p(x|z) = sum_i softplus(a_i) - x_i a_i} (the summed binary
 * cross-entropy), {@code d/da = sigmoid(a) - x}; the mean is {@code sigmoid(a)};</li>
 * <li>{@code gaussian}: {@code a} is the mean, {@code s_i = log sigma_i^2} a learned vector or a fixed constant,
 * {@code -log p(x|z) = 1/2 sum_i (x_i - a_i)^2 e^{-s_i} + s_i + log 2 pi}, {@code d/da = (a - x) e^{-s}},
 * {@code d/ds_i = 1/2 (1 - (x_i - a_i)^2 e^{-s_i})}.</li>
 * </ul>
 */
enum Likelihood {
    BERNOULLI("bernoulli"), GAUSSIAN("gaussian");

    static final double LOG_2PI = Math.log(2 * Math.PI);

    final String jsonName;

    Likelihood(String jsonName) {
        this.jsonName = jsonName;
    }

    static String[] jsonNames() {
        return new String[] {BERNOULLI.jsonName, GAUSSIAN.jsonName};
    }

    static Likelihood fromJson(String name) {
        return name.equals(GAUSSIAN.jsonName) ? GAUSSIAN : BERNOULLI;
    }

    /**
     * The sum over the batch of {@code -log p(x|z)}; {@code b.delta <- d/da} (not divided by B) and, for a learned
     * variance, {@code gLogVar <- d/ds} of the batch mean. Overwrites {@code b.scratchN} and {@code b.colN}.
     *
     * @param logVar {@code s} (1 x n) for gaussian, null for bernoulli
     * @param gLogVar where {@code d/ds} goes, null when {@code s} is fixed
     */
    double lossAndDelta(INDArray a, INDArray x, VaeBuffers b, INDArray logVar, INDArray gLogVar) {
        if (this == BERNOULLI && b.bernoulliPass != null && NdArrays.wholeFloat32(a, x, b.delta, b.scratchN)) {
            return b.bernoulliPass.lossAndDelta(a, x, b.delta, b.scratchN); // one exp and one Java pass
        }
        if (this == BERNOULLI) {
            return Loss.CROSS_ENTROPY.lossAndDelta(a, x, Activation.SIGMOID, b.delta, b.scratchN);
        }
        precision(logVar, b);
        a.sub(x, b.scratchN); // a - x
        b.delta.assign(b.scratchN).muliRowVector(b.precision);
        b.scratchN.muli(b.scratchN);
        Level3.gemm(b.ones, b.scratchN, b.colN, false, false, 1.0, 0.0); // sum over rows of (x - a)^2
        int batch = (int) a.rows();
        double loss = 0.5 * (Level1.dot(b.colN, b.precision) + batch * (Level1.sum(logVar) + a.columns() * LOG_2PI));
        if (gLogVar != null) { // 1/2 - (1/2B) colSq e^{-s}
            b.colN.mul(b.precision, gLogVar);
            gLogVar.muli(-0.5 / batch).addi(0.5);
        }
        return loss;
    }

    /**
     * {@code out (B x 1) <- log p(x_b|z_b)} per row. Overwrites {@code b.scratchN} and, for bernoulli off the float32
     * pass, {@code b.delta}.
     */
    void rowLogLikelihood(INDArray a, INDArray x, VaeBuffers b, INDArray logVar, INDArray out) {
        if (this == BERNOULLI && b.bernoulliPass != null && NdArrays.rowBlocksFloat32(a, x, b.scratchN)
                && NdArrays.rowBlocksFloat32(out) && out.length() == a.rows()) {
            b.bernoulliPass.rowLogLikelihood(a, x, b.scratchN, out); // one exp and one Java pass, sums in double
            return;
        }
        if (this == BERNOULLI) {
            Nd4j.exec(new SoftPlus(a, b.scratchN));
            x.mul(a, b.delta);
            b.scratchN.subi(b.delta);
            Level3.gemm(b.scratchN, b.onesN, out, false, false, -1.0, 0.0);
            return;
        }
        precision(logVar, b);
        a.sub(x, b.scratchN);
        b.scratchN.muli(b.scratchN);
        Level3.gemm(b.scratchN, b.precision, out, false, true, -0.5, 0.0);
        out.subi(0.5 * (Level1.sum(logVar) + a.columns() * LOG_2PI));
    }

    /** {@code a <- E[x|z]} in place: {@code sigmoid(a)} or {@code a}. */
    void mean(INDArray a) {
        if (this == BERNOULLI) {
            Nd4j.exec(new Sigmoid(a, a));
        }
    }

    /** {@code b.precision <- e^{-s}}. */
    private static void precision(INDArray logVar, VaeBuffers b) {
        b.precision.assign(logVar).negi();
        Nd4j.exec(new Exp(b.precision, b.precision));
    }
}
