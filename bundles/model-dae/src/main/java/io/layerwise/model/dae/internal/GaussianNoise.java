package io.layerwise.model.dae.internal;

import io.layerwise.core.ae.Corruption;
import io.layerwise.core.ae.TrainingStates;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** Additive isotropic Gaussian noise: {@code x~ = x + e}, {@code e ~ N(0, sigma^2 I)}. */
final class GaussianNoise implements Corruption {
    private final double sigma;
    private final Random rng;

    GaussianNoise(double sigma, long seed) {
        this.sigma = sigma;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    @Override
    public INDArray apply(INDArray clean, INDArray out) {
        Nd4j.getExecutioner().exec(new GaussianDistribution(out, 0.0, sigma), rng);
        out.addi(clean);
        return out;
    }

    /** The generator's {@code rootState} and {@code nodeState}. */
    @Override
    public Map<String, Long> state() {
        return TrainingStates.generator(rng);
    }

    @Override
    public void restoreState(Map<String, Long> state) {
        TrainingStates.restoreGenerator(rng, state, "noise");
    }

    @Override
    public void close() {
        try {
            rng.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
