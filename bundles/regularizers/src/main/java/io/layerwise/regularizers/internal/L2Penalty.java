package io.layerwise.regularizers.internal;

import io.layerwise.api.regularizer.Penalty;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Weight decay {@code P = (lambda/2) ||W||^2}, {@code dP/dW = lambda W}, added once per minibatch to the mean
 * objective. Biases are not decayed. One BLAS dot and one axpy per call: no temporaries.
 */
final class L2Penalty implements Penalty {
    private final double lambda;

    L2Penalty(double lambda) {
        this.lambda = lambda;
    }

    @Override
    public double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
        if (lambda == 0) {
            return 0;
        }
        INDArray w = flat(weights);
        Nd4j.getBlasWrapper().axpy(lambda, w, flat(gradWeights));
        return 0.5 * lambda * Nd4j.getBlasWrapper().dot(w, w);
    }

    @Override
    public String describe() {
        return "l2(lambda=" + lambda + ")";
    }

    /** BLAS level 1 in ND4J takes vectors: a flat view of the same memory. */
    private static INDArray flat(INDArray a) {
        return a.isVector() ? a : a.reshape(a.length());
    }
}
