package io.layerwise.regularizers.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.core.nn.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code P = lambda sum_ij |W_ij|}, {@code dP/dW = lambda sign(W)} (the subgradient 0 at 0), added once per minibatch
 * to the mean objective. Biases are not penalised. One sign into a reused array, one dot, one axpy.
 */
final class L1Penalty implements Penalty {
    private final double lambda;
    private final Scratch scratch = new Scratch();

    L1Penalty(double lambda) {
        this.lambda = lambda;
    }

    @Override
    public double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
        if (lambda == 0) {
            return 0;
        }
        INDArray sign = scratch.like("sign", weights);
        Nd4j.exec(new Sign(weights, sign));
        Level1.axpy(lambda, sign, gradWeights);
        return lambda * Level1.dot(sign, weights);
    }

    @Override
    public String describe() {
        return "l1(lambda=" + lambda + ")";
    }
}
