package io.layerwise.model.dae.internal;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Salt-and-pepper noise: with {@code u_i ~ U(0, 1)}, input {@code i} becomes 0 when {@code u_i <= level/2}, 1 when
 * {@code level/2 < u_i <= level}, and stays {@code x_i} otherwise. As arithmetic on step functions:
 * {@code keep = [u > level]}, {@code salt = [u > level/2] - keep}, {@code x~ = x * keep + salt}.
 */
final class SaltAndPepperNoise extends SeededNoise {
    private final double level;
    /** One scratch array per batch shape, allocated once. */
    private final Map<Integer, INDArray> keep = new HashMap<>();

    SaltAndPepperNoise(double level, long seed) {
        super(seed);
        this.level = level;
    }

    @Override
    public INDArray apply(INDArray clean, INDArray out) {
        INDArray k = keep.computeIfAbsent(out.rows(), r -> out.ulike());
        Nd4j.getExecutioner().exec(new UniformDistribution(out, 0.0, 1.0), generator.random());
        Nd4j.exec(new Step(out, k, level)); // keep = [u > level]
        Nd4j.exec(new Step(out, out, level / 2)); // [u > level/2]
        out.subi(k); // salt
        k.muli(clean);
        out.addi(k);
        return out;
    }

    @Override
    public void close() {
        keep.values().forEach(INDArray::close);
        keep.clear();
        super.close();
    }
}
