package io.layerwise.testing;

import io.layerwise.api.regularizer.Penalty;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code P = a/(2B) sum y^2 + c/2 ||W||^2 + d/2 ||bh||^2}: one penalty per hook, so that a gradient check of a stage
 * with it breaks where a hook is applied in the wrong place (after f', or on the wrong bias).
 */
public record QuadraticTestPenalty(double a, double c, double d) implements Penalty {
    @Override
    public double onHidden(INDArray hidden, INDArray gradHidden) {
        double batch = hidden.rows();
        gradHidden.addi(hidden.mul(a / batch));
        return a / (2 * batch) * hidden.mul(hidden).sumNumber().doubleValue();
    }

    @Override
    public double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
        gradWeights.addi(weights.mul(c));
        return c / 2 * weights.mul(weights).sumNumber().doubleValue();
    }

    @Override
    public double onBias(String name, INDArray bias, INDArray gradBias) {
        if (!name.equals("bh")) {
            return 0;
        }
        gradBias.addi(bias.mul(d));
        return d / 2 * bias.mul(bias).sumNumber().doubleValue();
    }

    @Override
    public String describe() {
        return "quadratic-test";
    }
}
