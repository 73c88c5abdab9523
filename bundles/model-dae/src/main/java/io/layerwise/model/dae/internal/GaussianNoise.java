package io.layerwise.model.dae.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;

/** Additive isotropic Gaussian noise: {@code x~ = x + e}, {@code e ~ N(0, sigma^2 I)}. */
final class GaussianNoise extends SeededNoise {
    private final double sigma;

    GaussianNoise(double sigma, long seed) {
        super(seed);
        this.sigma = sigma;
    }

    @Override
    public INDArray apply(INDArray clean, INDArray out) {
        Nd4j.getExecutioner().exec(new GaussianDistribution(out, 0.0, sigma), generator.random());
        out.addi(clean);
        return out;
    }
}
