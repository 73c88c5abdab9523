package io.layerwise.model.dae.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.DropOut;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Masking noise (the Theano dA tutorial's binomial mask): {@code x~_i = x_i m_i}, {@code m_i ~ Bernoulli(1 - level)}.
 * One fused native op per batch: a uniform draw compared with the keep probability, without scaling (ND4J's
 * {@code DropOut}: {@code z = u < p ? x : 0}).
 */
final class MaskingNoise extends SeededNoise {
    private final double level;

    MaskingNoise(double level, long seed) {
        super(seed);
        this.level = level;
    }

    @Override
    public INDArray apply(INDArray clean, INDArray out) {
        Nd4j.getExecutioner().exec(new DropOut(clean, out, 1 - level), generator.random());
        return out;
    }
}
