package io.layerwise.core.optim;

import io.layerwise.core.nn.Level1;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1): at update {@code t = 1, 2, ...}
 * {@code m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2; mhat = m / (1 - b1^t); vhat = v / (1 - b2^t);
 * theta <- theta - lr mhat / (sqrt(vhat) + eps)}, element-wise. Computed in the paper's cheaper equivalent order,
 * {@code theta <- theta - lr_t m / (sqrt(v) + eps sqrt(1 - b2^t))} with {@code lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)},
 * which is the same number (PyTorch's {@code Adam} uses the same {@code eps} placement). State: {@code m},
 * {@code v} and the step count {@code t}. Whole float32 arrays on the CPU are updated in one fused pass over heap
 * copies ({@link HeapPass}); anything else (float64 in the gradient checks, views, CUDA) by ND4J operations, one per
 * term. {@code AdamFusedTest} checks the two against each other.
 */
public final class Adam extends SlotOptimizer {
    private final Options options;
    private final List<INDArray> m;
    private final List<INDArray> v;
    private final List<INDArray> work;
    private final HeapPass heap = new HeapPass(4);
    private boolean fused = true;

    /**
     * @param lr    base learning rate, positive (JSON default 0.001)
     * @param beta1 decay of the first moment, in [0, 1) (0.9)
     * @param beta2 decay of the second moment, in [0, 1) (0.999)
     * @param eps   added to the denominator, positive (1e-8)
     */
    public record Options(double lr, double beta1, double beta2, double eps) implements Optimizer.Options {
        public Options {
            requirePositive("lr", lr);
            requireInUnitInterval("beta1", beta1);
            requireInUnitInterval("beta2", beta2);
            requirePositive("eps", eps);
        }

        @Override
        public String kind() {
            return "adam";
        }

        @Override
        public Adam create(List<INDArray> parameters, Schedule schedule) {
            return new Adam(this, schedule, parameters);
        }

        /** The moments m and v. */
        @Override
        public int stateArrays() {
            return 2;
        }

        @Override
        public int workArrays() {
            return 1;
        }
    }

    public Adam(Options options, Schedule schedule, List<INDArray> parameters) {
        super(options, schedule, parameters);
        this.options = options;
        this.m = slot("m", parameters);
        this.v = slot("v", parameters);
        this.work = scratch(parameters);
    }

    public Options options() {
        return options;
    }

    @Override
    void update(List<INDArray> parameters, List<INDArray> gradients, double lr, long t) {
        double b1 = options.beta1();
        double b2 = options.beta2();
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        double stepSize = lr * Math.sqrt(bc2) / bc1;
        double epsT = options.eps() * Math.sqrt(bc2);
        for (int i = 0; i < parameters.size(); i++) {
            INDArray g = gradients.get(i);
            INDArray p = parameters.get(i);
            INDArray mi = m.get(i);
            INDArray vi = v.get(i);
            if (fused && HeapPass.applies(p, g, mi, vi)) {
                fusedUpdate(p, g, mi, vi, b1, b2, stepSize, epsT);
                continue;
            }
            INDArray w = work.get(i);
            mi.muli(b1);
            Level1.axpy(1 - b1, g, mi);
            g.mul(g, w);
            vi.muli(b2);
            Level1.axpy(1 - b2, w, vi);
            scaledStep(mi, vi, epsT, stepSize, w, p);
        }
    }

    /** The same update in float32 arithmetic, term for term, in one loop over heap copies. */
    private void fusedUpdate(INDArray p, INDArray g, INDArray mi, INDArray vi, double b1, double b2, double stepSize,
            double epsT) {
        float[] gh = heap.in(0, g);
        float[] mh = heap.in(1, mi);
        float[] vh = heap.in(2, vi);
        float[] ph = heap.in(3, p);
        float fb1 = (float) b1;
        float fc1 = (float) (1 - b1);
        float fb2 = (float) b2;
        float fc2 = (float) (1 - b2);
        float step = (float) stepSize;
        float eps = (float) epsT;
        int n = (int) p.length();
        for (int k = 0; k < n; k++) {
            float gk = gh[k];
            float mk = fb1 * mh[k] + fc1 * gk;
            float vk = fb2 * vh[k] + fc2 * (gk * gk);
            mh[k] = mk;
            vh[k] = vk;
            if (mk != 0) { // m = 0 (a weight under an input that is always 0) steps by 0: skip the square root
                ph[k] -= step * (mk / ((float) Math.sqrt(vk) + eps));
            }
        }
        HeapPass.out(mh, mi);
        HeapPass.out(vh, vi);
        HeapPass.out(ph, p);
    }

    /** Turns the fused pass off (true) or on: for tests that compare the two. */
    void plainOnly(boolean plain) {
        this.fused = !plain;
    }
}
