package io.layerwise.core.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stochastic gradient descent with optional classical momentum:
 * {@code v <- mu v - lr g; theta <- theta + v} ({@code mu = 0}: {@code theta <- theta - lr g}).
 * Lifecycle: construct for a parameter list, {@link #step} once per minibatch, {@link #reset} to forget the
 * velocity (after restoring parameters), {@link #close} to free it.
 */
public final class Sgd implements AutoCloseable {
    private final Options options;
    private final List<INDArray> velocity = new ArrayList<>();

    /**
     * @param lr       learning rate, positive
     * @param momentum in [0, 1)
     */
    public record Options(double lr, double momentum) {
        public Options {
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("lr must be positive, got " + lr);
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
        }
    }

    public Sgd(Options options, List<INDArray> parameters) {
        this.options = options;
        if (options.momentum() > 0) {
            for (INDArray p : parameters) {
                velocity.add(Nd4j.zeros(p.dataType(), p.shape()));
            }
        }
    }

    public Options options() {
        return options;
    }

    /** One update of every parameter with its gradient (same order as at construction). */
    public void step(List<INDArray> parameters, List<INDArray> gradients) {
        for (int i = 0; i < parameters.size(); i++) {
            INDArray p = parameters.get(i);
            INDArray g = gradients.get(i);
            if (velocity.isEmpty()) {
                Level1.axpy(-options.lr(), g, p); // BLAS axpy: no temporary
            } else {
                INDArray v = velocity.get(i);
                v.muli(options.momentum());
                Level1.axpy(-options.lr(), g, v);
                p.addi(v);
            }
        }
    }

    /** Zeroes the velocity. */
    public void reset() {
        velocity.forEach(v -> v.assign(0));
    }

    @Override
    public void close() {
        velocity.forEach(NdArrays::close);
        velocity.clear();
    }
}
