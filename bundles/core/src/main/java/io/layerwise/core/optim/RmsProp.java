package io.layerwise.core.optim;

import io.layerwise.core.nn.Level1;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;

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
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("lr must be positive, got " + lr);
            }
            if (!(rho >= 0 && rho < 1)) {
                throw new IllegalArgumentException("rho must be in [0, 1), got " + rho);
            }
            if (!(eps > 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("eps must be positive, got " + eps);
            }
        }

        @Override
        public String kind() {
            return "rmsprop";
        }

        @Override
        public RmsProp create(List<INDArray> parameters, Schedule schedule) {
            return new RmsProp(this, schedule, parameters);
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
            Nd4j.getExecutioner().exec(new Sqrt(s, w));
            w.addi(options.eps()).rdivi(g); // w <- g / (sqrt(s) + eps)
            Level1.axpy(-lr, w, parameters.get(i));
        }
    }
}
