package io.layerwise.regularizers.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.core.nn.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weight decay {@code P = (lambda/2) ||W||^2}, {@code dP/dW = lambda W}, added once per minibatch to the mean
 * objective; with {@code decoder} also {@code (lambda/2) ||W'||^2} on an untied autoencoder's decoder weights. Biases
 * are not decayed. One BLAS dot and one axpy per matrix: no temporaries.
 */
final class L2Penalty implements Penalty {
    private final double lambda;
    private final boolean decoder;

    L2Penalty(double lambda, boolean decoder) {
        this.lambda = lambda;
        this.decoder = decoder;
    }

    @Override
    public double onDecoderWeights(INDArray weights, INDArray gradWeights) {
        return decoder ? onWeights(weights, gradWeights, null) : 0;
    }

    @Override
    public double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
        if (lambda == 0) {
            return 0;
        }
        Level1.axpy(lambda, weights, gradWeights);
        return 0.5 * lambda * Level1.dot(weights, weights);
    }

    @Override
    public String describe() {
        return "l2(lambda=" + lambda + (decoder ? ", decoder=true" : "") + ")";
    }
}
