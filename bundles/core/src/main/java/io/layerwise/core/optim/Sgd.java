package io.layerwise.core.optim;

import io.layerwise.core.nn.Level1;
import java.util.List;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent, plain or with momentum. With learning rate {@code lr}, momentum {@code mu} and
 * gradient {@code g}:
 * <ul>
 * <li>plain ({@code mu = 0}): {@code theta <- theta - lr g};</li>
 * <li>classical momentum: {@code v <- mu v - lr g; theta <- theta + v};</li>
 * <li>Nesterov (Sutskever et al. 2013, in the form of Bengio et al. 2012, where {@code theta} is the look-ahead
 * point): {@code v <- mu v - lr g; theta <- theta + mu v - lr g}; PyTorch's {@code nesterov=True} is the same
 * update.</li>
 * </ul>
 * State: {@code velocity} (absent for plain SGD).
 */
public final class Sgd extends SlotOptimizer {
    private final Options options;
    private final List<INDArray> velocity;

    /**
     * @param lr       base learning rate, positive
     * @param momentum in [0, 1); in (0, 1) for Nesterov
     * @param nesterov Nesterov's accelerated gradient instead of classical momentum
     */
    public record Options(double lr, double momentum, boolean nesterov) implements Optimizer.Options {
        public Options {
            requirePositive("lr", lr);
            requireInUnitInterval("momentum", momentum);
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("momentum must be in (0, 1) for nesterov, got 0");
            }
        }

        /** Plain SGD or classical momentum. */
        public Options(double lr, double momentum) {
            this(lr, momentum, false);
        }

        @Override
        public String kind() {
            return nesterov ? "nesterov" : "sgd";
        }

        @Override
        public Sgd create(List<INDArray> parameters, Schedule schedule) {
            return new Sgd(this, schedule, parameters);
        }

        /** The velocity, with momentum. */
        @Override
        public int stateArrays() {
            return momentum > 0 ? 1 : 0;
        }

        @Override
        public int workArrays() {
            return 0;
        }
    }

    public Sgd(Options options, Schedule schedule, List<INDArray> parameters) {
        super(options, schedule, parameters);
        this.options = options;
        this.velocity = options.momentum() > 0 ? slot("velocity", parameters) : List.of();
    }

    /** At a constant learning rate. */
    public Sgd(Options options, List<INDArray> parameters) {
        this(options, new Schedule.Constant(), parameters);
    }

    public Options options() {
        return options;
    }

    /** The learning rate when there is no momentum. */
    @Override
    public OptionalDouble plainRate() {
        return velocity.isEmpty() ? OptionalDouble.of(learningRate()) : OptionalDouble.empty();
    }

    @Override
    void update(List<INDArray> parameters, List<INDArray> gradients, double lr, long t) {
        double mu = options.momentum();
        for (int i = 0; i < parameters.size(); i++) {
            INDArray p = parameters.get(i);
            INDArray g = gradients.get(i);
            if (velocity.isEmpty()) {
                Level1.axpy(-lr, g, p); // BLAS axpy: no temporary
            } else {
                INDArray v = velocity.get(i);
                v.muli(mu);
                Level1.axpy(-lr, g, v);
                if (options.nesterov()) {
                    Level1.axpy(mu, v, p);
                    Level1.axpy(-lr, g, p);
                } else {
                    p.addi(v);
                }
            }
        }
    }
}
