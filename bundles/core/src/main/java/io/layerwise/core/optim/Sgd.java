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
 *
 * <p>With momentum, whole float32 arrays on the CPU are updated in one fused Java loop ({@link HeapPass}): the velocity
 * then lives in a heap array (written back to its slot whenever the state is read), the gradient and the parameter
 * stream through in chunks, large arrays on two cores. The separate scale, {@code axpy} and add passed over memory
 * eight times per element where the loop passes five, and they were half of a batch-20 fine-tuning step
 * (docs/performance.md, "SGD with momentum in one pass"). Each sum is one fused multiply-add, as OpenBLAS's AVX2 and
 * AVX-512 {@code saxpy} computes it (so the two paths differ only where that kernel did not). {@code SgdFusedTest}
 * checks the loop against the plain path.
 */
public final class Sgd extends FusedSlotOptimizer {
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

        /** The velocity of the fused update, float32 arrays on the heap. */
        @Override
        public int heapStateArrays() {
            return momentum > 0 ? 1 : 0;
        }
    }

    public Sgd(Options options, Schedule schedule, List<INDArray> parameters) {
        super(options, schedule, parameters);
        this.options = options;
        this.velocity = options.momentum() > 0 ? slot("velocity", parameters) : List.of();
        heapSlots(List.of(velocity)); // none for plain SGD
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
                continue;
            }
            INDArray v = velocity.get(i);
            if (fused(i, p, g, v)) {
                fusedUpdate(i, p, g, (float) mu, (float) lr);
                continue;
            }
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

    private void fusedUpdate(int i, INDArray p, INDArray g, float mu, float lr) {
        float[] v = onHeap(i)[0];
        if (options.nesterov()) {
            fusedPass(g, p, (gs, ps, from, to) -> nesterov(mu, -lr, v, gs, ps, from, to));
        } else {
            fusedPass(g, p, (gs, ps, from, to) -> momentum(mu, -lr, v, gs, ps, from, to));
        }
    }

    /**
     * {@code v <- mu v - lr g; p <- p + v} over {@code [from, to)}, with {@code minusLr = -lr}: one index for all three
     * arrays and no branch, the shape C2 vectorises (the launcher names it in runtime/jit-kernels.json).
     */
    static void momentum(float mu, float minusLr, float[] v, float[] g, float[] p, int from, int to) {
        for (int k = from; k < to; k++) {
            float vk = Math.fma(minusLr, g[k], mu * v[k]);
            v[k] = vk;
            p[k] += vk;
        }
    }

    /** Nesterov's form: {@code v <- mu v - lr g; p <- p + mu v - lr g}, as the plain path's two {@code axpy}. */
    static void nesterov(float mu, float minusLr, float[] v, float[] g, float[] p, int from, int to) {
        for (int k = from; k < to; k++) {
            float gk = g[k];
            float vk = Math.fma(minusLr, gk, mu * v[k]);
            v[k] = vk;
            p[k] = Math.fma(minusLr, gk, Math.fma(mu, vk, p[k]));
        }
    }
}
