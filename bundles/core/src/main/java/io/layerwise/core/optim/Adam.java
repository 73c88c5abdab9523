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
 * {@code v} and the step count {@code t}. Whole float32 arrays on the CPU are updated in one fused Java loop
 * ({@link HeapPass}): {@code m} and {@code v} then live in heap arrays (written back to the slots whenever the state is
 * read), the gradient and the parameter stream through in chunks. Anything else (float64 in the gradient checks,
 * views, CUDA) takes ND4J operations, one per term. {@code AdamFusedTest} checks the two against each other.
 */
public final class Adam extends FusedSlotOptimizer {
    private final Options options;
    private final List<INDArray> m;
    private final List<INDArray> v;
    private final List<INDArray> work;

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

        /** m and v of the fused update, float32 arrays on the heap. */
        @Override
        public int heapStateArrays() {
            return 2;
        }
    }

    public Adam(Options options, Schedule schedule, List<INDArray> parameters) {
        super(options, schedule, parameters);
        this.options = options;
        this.m = slot("m", parameters);
        this.v = slot("v", parameters);
        this.work = scratch(parameters);
        heapSlots(List.of(m, v));
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
            if (fused(i, p, g, mi, vi)) {
                fusedUpdate(i, p, g, b1, b2, stepSize, epsT);
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

    /**
     * The same update in float32 arithmetic, term for term, in one loop: m and v on the heap, g and p streamed through
     * ({@link HeapPass#apply}), a large array on two cores.
     */
    private void fusedUpdate(int i, INDArray p, INDArray g, double b1, double b2, double stepSize, double epsT) {
        float[][] mv = onHeap(i);
        float[] mh = mv[0];
        float[] vh = mv[1];
        float fb1 = (float) b1;
        float c1 = (float) (1 - b1);
        float fb2 = (float) b2;
        float c2 = (float) (1 - b2);
        float step = (float) stepSize;
        float eps = (float) epsT;
        fusedPass(g, p, (gs, ps, from, to) -> rule(fb1, c1, fb2, c2, step, eps, mh, vh, gs, ps, from, to));
    }

    /**
     * The element-wise rule over {@code [from, to)} of four heap arrays. One index for all four and no branch: the
     * shape C2's loop vectoriser accepts (W6's 652,824 values: 1.9 ms a step under C1, 0.10 ms vectorised; an
     * offset between the arrays' indices or a branch in the body kept C2 at 1.5 ms, scalar; docs/performance-vae.md). An element with
     * {@code m = 0} steps by {@code 0 / (sqrt(v) + eps) = 0}, so the branch that skipped it changed no value (a
     * parameter of exactly -0.0 under m = -0.0 becomes +0.0, the same number).
     */
    static void rule(float b1, float c1, float b2, float c2, float step, float eps, float[] m, float[] v, float[] g,
            float[] p, int from, int to) {
        for (int k = from; k < to; k++) {
            float gk = g[k];
            float mk = b1 * m[k] + c1 * gk;
            float vk = b2 * v[k] + c2 * (gk * gk);
            m[k] = mk;
            v[k] = vk;
            p[k] -= step * (mk / ((float) Math.sqrt(vk) + eps));
        }
    }
}
