package io.layerwise.model.dae.internal;

import io.layerwise.core.ae.Corruption;
import io.layerwise.core.ae.TrainingStates;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Salt-and-pepper noise: with {@code u_i ~ U(0, 1)}, input {@code i} becomes 0 when {@code u_i <= level/2}, 1 when
 * {@code level/2 < u_i <= level}, and stays {@code x_i} otherwise. As arithmetic on step functions:
 * {@code keep = [u > level]}, {@code salt = [u > level/2] - keep}, {@code x~ = x * keep + salt}.
 */
final class SaltAndPepperNoise implements Corruption {
    private final double level;
    private final Random rng;
    /** One scratch array per batch shape, allocated once. */
    private final Map<Integer, INDArray> keep = new HashMap<>();

    SaltAndPepperNoise(double level, long seed) {
        this.level = level;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    @Override
    public INDArray apply(INDArray clean, INDArray out) {
        INDArray k = keep.computeIfAbsent(out.rows(), r -> out.ulike());
        Nd4j.getExecutioner().exec(new UniformDistribution(out, 0.0, 1.0), rng);
        Nd4j.exec(new Step(out, k, level)); // keep = [u > level]
        Nd4j.exec(new Step(out, out, level / 2)); // [u > level/2]
        out.subi(k); // salt
        k.muli(clean);
        out.addi(k);
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
        keep.values().forEach(INDArray::close);
        keep.clear();
        try {
            rng.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
