package io.layerwise.model.dae.internal;

import io.layerwise.core.ae.Corruption;
import io.layerwise.core.ae.TrainingStates;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.DropOut;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Masking noise (the Theano dA tutorial's binomial mask): {@code x~_i = x_i m_i}, {@code m_i ~ Bernoulli(1 - level)}.
 * One fused native op per batch: a uniform draw compared with the keep probability, without scaling (ND4J's
 * {@code DropOut}: {@code z = u < p ? x : 0}).
 */
final class MaskingNoise implements Corruption {
    private final double level;
    private final Random rng;

    MaskingNoise(double level, long seed) {
        this.level = level;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    @Override
    public INDArray apply(INDArray clean, INDArray out) {
        Nd4j.getExecutioner().exec(new DropOut(clean, out, 1 - level), rng);
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
