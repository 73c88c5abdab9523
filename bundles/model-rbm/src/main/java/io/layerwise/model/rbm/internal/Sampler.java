package io.layerwise.model.rbm.internal;

import io.layerwise.core.ae.SeededGenerator;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Draws unit states into preallocated arrays from ND4J's native generator, seeded once: one fused native op per
 * draw, nothing allocated. Bernoulli: {@code s_i = [u_i < p_i]} with {@code u_i ~ U(0, 1)} (ND4J's
 * {@code BernoulliDistribution} with a probability array); Gaussian: {@code x_i + e_i}, {@code e_i ~ N(0, 1)}.
 * The same seed gives the same sequence of draws.
 */
final class Sampler implements AutoCloseable {
    private final SeededGenerator generator;

    Sampler(long seed) {
        this.generator = new SeededGenerator(seed);
    }

    /** {@code out_i <- 1} with probability {@code p_i}, else 0; {@code out} may be {@code p} itself. */
    void bernoulli(INDArray p, INDArray out) {
        Nd4j.getExecutioner().exec(new BernoulliDistribution(out, p), generator.random());
    }

    /** {@code x <- x + e}, {@code e ~ N(0, I)} drawn into {@code scratch} (same shape as {@code x}). */
    void addStandardNormal(INDArray x, INDArray scratch) {
        Nd4j.getExecutioner().exec(new GaussianDistribution(scratch, 0.0, 1.0), generator.random());
        x.addi(scratch);
    }

    /** The generator's {@code rootState} and {@code nodeState}, for checkpoints. */
    Map<String, Long> state() {
        return generator.state();
    }

    /** Continues from a {@link #state()}: the draws that follow are those that followed it. */
    void restoreState(Map<String, Long> state) {
        generator.restoreState(state, "sampler");
    }

    @Override
    public void close() {
        generator.close();
    }
}
