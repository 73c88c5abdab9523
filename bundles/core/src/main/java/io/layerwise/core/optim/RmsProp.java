package io.layerwise.core.optim;

import io.layerwise.core.nn.Level1;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RMSprop (Hinton, Coursera lecture 6e): {@code s <- rho s + (1 - rho) g^2; theta <- theta - lr g / (sqrt(s) + eps)},
 * element-wise, {@code s} starting at 0 (PyTorch's {@code RMSprop} without momentum or centring). State: {@code s}.
 */
public final class RmsProp extends SlotOptimizer {
    private final Options options;
    private final List<INDArray> meanSquare;
    private final List<INDArray> work;

    /**
     * @param lr  base learning rate, positive (JSON default 0.001)
     * @param rho decay of the mean square, in [0, 1) (0.9)
     * @param eps added to the denominator, positive (1e-8)
     */
    public record Options(double lr, double rho, double eps) implements Optimizer.Options {
        public Options {
            requirePositive("lr", lr);
            requireInUnitInterval("rho", rho);
            requirePositive("eps", eps);
        }

        @Override
        public String kind() {
            return "rmsprop";
        }

        @Override
        public RmsProp create(List<INDArray> parameters, Schedule schedule) {
            return new RmsProp(this, schedule, parameters);
        }

        /** The mean square. */
        @Override
        public int stateArrays() {
            return 1;
        }

        @Override
        public int workArrays() {
            return 1;
        }
    }

    public RmsProp(Options options, Schedule schedule, List<INDArray> parameters) {
        super(options, schedule, parameters);
        this.options = options;
        this.meanSquare = slot("meanSquare", parameters);
        this.work = scratch(parameters);
    }

    public Options options() {
        return options;
    }

    @Override
    void update(List<INDArray> parameters, List<INDArray> gradients, double lr, long t) {
        double rho = options.rho();
        for (int i = 0; i < parameters.size(); i++) {
            INDArray g = gradients.get(i);
            INDArray s = meanSquare.get(i);
            INDArray w = work.get(i);
            g.mul(g, w);
            s.muli(rho);
            Level1.axpy(1 - rho, w, s);
            scaledStep(g, s, options.eps(), lr, w, parameters.get(i));
        }
    }
}
