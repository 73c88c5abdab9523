package io.layerwise.core.optim;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AdaGrad (Duchi, Hazan and Singer 2011, diagonal form): {@code G <- G + g^2; theta <- theta - lr g / (sqrt(G) + eps)},
 * element-wise, {@code G} starting at 0 (PyTorch's {@code Adagrad} without decay). State: {@code sumSquares}.
 */
public final class AdaGrad extends SlotOptimizer {
    private final Options options;
    private final List<INDArray> sumSquares;
    private final List<INDArray> work;

    /**
     * @param lr  base learning rate, positive (JSON default 0.01)
     * @param eps added to the denominator, positive (1e-8)
     */
    public record Options(double lr, double eps) implements Optimizer.Options {
        public Options {
            requirePositive("lr", lr);
            requirePositive("eps", eps);
        }

        @Override
        public String kind() {
            return "adagrad";
        }

        @Override
        public AdaGrad create(List<INDArray> parameters, Schedule schedule) {
            return new AdaGrad(this, schedule, parameters);
        }

        /** The sum of squares. */
        @Override
        public int stateArrays() {
            return 1;
        }

        @Override
        public int workArrays() {
            return 1;
        }
    }

    public AdaGrad(Options options, Schedule schedule, List<INDArray> parameters) {
        super(options, schedule, parameters);
        this.options = options;
        this.sumSquares = slot("sumSquares", parameters);
        this.work = scratch(parameters);
    }

    public Options options() {
        return options;
    }

    @Override
    void update(List<INDArray> parameters, List<INDArray> gradients, double lr, long t) {
        for (int i = 0; i < parameters.size(); i++) {
            INDArray g = gradients.get(i);
            INDArray s = sumSquares.get(i);
            INDArray w = work.get(i);
            g.mul(g, w);
            s.addi(w);
            scaledStep(g, s, options.eps(), lr, w, parameters.get(i));
        }
    }
}
