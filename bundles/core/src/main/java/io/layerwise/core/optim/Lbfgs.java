package io.layerwise.core.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Limited-memory BFGS on a deterministic objective (a full batch, or a fixed one): Nocedal and Wright's algorithm 7.4.
 * From the gradient {@code g_k} at {@code x_k} the two-loop recursion computes {@code d_k = -H_k g_k} from the last
 * {@code m} pairs {@code s_i = x_{i+1} - x_i}, {@code y_i = g_{i+1} - g_i} with {@code H_k^0 = (s.y / y.y) I}
 * ({@code I} while there is no pair), kept by {@link LbfgsHistory}; {@link StrongWolfe} finds the step; a pair with
 * {@code s.y <= 0} is skipped (the update would not stay positive definite), and a direction that is not downhill
 * restarts the history. The first step is {@code min(1, 1/||g||)} along {@code -g}, later ones start at 1.
 * <p>
 * It is no minibatch rule: {@link #step} is refused; a trainer calls {@link #iterate} with its objective, once per
 * iteration, and stops when the returned {@link Iteration#stop()} is not null: when {@code max_i |g_i|} falls to
 * {@code gradientTolerance}, when {@code (f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1)} falls to
 * {@code functionTolerance} (both as scipy's L-BFGS-B tests them), or when the line search finds no lower point.
 * The vectors are float64 on the heap whatever the parameters' type. After {@link #iterate} returns, the objective's
 * last evaluation was at the parameters it leaves, so statistics a penalty gathered in it describe them. The state
 * saved for checkpoints is the counters only: a resumed run rebuilds its history from a gradient step.
 */
public final class Lbfgs implements Optimizer {
    private final Options options;
    private final int size;
    private final LbfgsHistory pairs;
    private double[] x;
    private double[] g;
    private double[] gNextBuffer; // the gradient at the line search's trial points
    private double f = Double.NaN;
    private long iterations;
    private int epoch = -1;
    private double lastStep;

    /**
     * @param history           pairs kept, {@code m} (at least 1)
     * @param gradientTolerance stop when {@code max |g_i|} is at most this (>= 0)
     * @param functionTolerance stop when the relative decrease of an iteration is at most this (>= 0)
     * @param maxLineSearch     evaluations of the objective per line search (at least 1)
     */
    public record Options(int history, double gradientTolerance, double functionTolerance, int maxLineSearch)
            implements Optimizer.Options {
        public static final int DEFAULT_HISTORY = 10;
        public static final double DEFAULT_GRADIENT_TOLERANCE = 1e-5;
        /** scipy's {@code factr} 1e7 times float64's machine epsilon. */
        public static final double DEFAULT_FUNCTION_TOLERANCE = 1e7 * Math.ulp(1.0);
        public static final int DEFAULT_MAX_LINE_SEARCH = 20;

        public Options {
            if (history < 1 || maxLineSearch < 1 || !(gradientTolerance >= 0) || !(functionTolerance >= 0)) {
                throw new IllegalArgumentException("lbfgs needs history >= 1, maxLineSearch >= 1 and tolerances >= 0;"
                        + " got history=" + history + ", gradientTolerance=" + gradientTolerance + ", functionTolerance="
                        + functionTolerance + ", maxLineSearch=" + maxLineSearch);
            }
        }

        public Options() {
            this(DEFAULT_HISTORY, DEFAULT_GRADIENT_TOLERANCE, DEFAULT_FUNCTION_TOLERANCE, DEFAULT_MAX_LINE_SEARCH);
        }

        @Override
        public String kind() {
            return "lbfgs";
        }

        /** The first trial step of every line search after the first iteration. */
        @Override
        public double lr() {
            return 1;
        }

        @Override
        public Lbfgs create(List<INDArray> parameters, Schedule schedule) {
            return new Lbfgs(this, parameters);
        }

        /** None saved; the history ({@code 2m} vectors of float64, as 4m float32 arrays) is counted as work space. */
        @Override
        public int stateArrays() {
            return 0;
        }

        @Override
        public int workArrays() {
            return 4 * history + 12;
        }
    }

    /** The objective at the parameters' current values; writes its gradient into the gradient arrays. */
    @FunctionalInterface
    public interface Objective {
        double evaluate();
    }

    /**
     * One iteration's outcome.
     *
     * @param value       the objective at the new parameters
     * @param evaluations evaluations of the objective it took
     * @param stop        why to stop (tolerance met, no lower point found), or null to go on
     */
    public record Iteration(double value, int evaluations, String stop) {
    }

    Lbfgs(Options options, List<INDArray> parameters) {
        this.options = options;
        this.pairs = new LbfgsHistory(options.history());
        long n = 0;
        for (INDArray p : parameters) {
            n += p.length();
        }
        this.size = Math.toIntExact(n);
    }

    public Options options() {
        return options;
    }

    /**
     * One iteration from the parameters' current values: direction, line search, history update. Evaluates the
     * objective once more first when it has no value for them (the first call, after {@link #reset}).
     */
    public Iteration iterate(List<INDArray> parameters, List<INDArray> gradients, Objective objective) {
        int evals = 0;
        if (x == null) {
            x = new double[size];
            g = new double[size];
            f = objective.evaluate();
            evals++;
            FlatVector.read(parameters, x);
            FlatVector.read(gradients, g);
            if (!Double.isFinite(f)) {
                return new Iteration(f, evals, "the objective is " + f + " at the start");
            }
        }
        double[] d = pairs.direction(g);
        double slope = FlatVector.dot(g, d);
        if (!(slope < 0)) { // not downhill: forget the curvature pairs and follow the gradient
            pairs.clear();
            d = FlatVector.negated(g);
            slope = FlatVector.dot(g, d);
        }
        if (slope == 0) {
            return new Iteration(f, evals, "the gradient is 0");
        }
        double a1 = pairs.isEmpty() && iterations == 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
        double[] xNew = new double[size];
        double[] dir = d;
        StrongWolfe.Result r = StrongWolfe.search(a -> {
            FlatVector.axpyInto(x, a, dir, xNew);
            FlatVector.write(xNew, parameters);
            double v = objective.evaluate();
            FlatVector.read(gradients, g2());
            return new double[] {v, FlatVector.dot(g2(), dir)};
        }, f, slope, a1, options.maxLineSearch());
        evals += r.evaluations();
        iterations++;
        if (r.step() == 0) { // no lower point: put the parameters back, evaluated, and stop
            FlatVector.write(x, parameters);
            objective.evaluate();
            return new Iteration(f, evals + 1, "the line search found no lower point along the L-BFGS direction after "
                    + r.evaluations() + " evaluations");
        }
        if (!r.lastEvaluated()) {
            FlatVector.axpyInto(x, r.step(), dir, xNew);
            FlatVector.write(xNew, parameters);
            objective.evaluate();
            FlatVector.read(gradients, g2());
            evals++;
        }
        lastStep = r.step();
        double[] xNext = new double[size];
        FlatVector.read(parameters, xNext); // the values the parameters hold (float32 rounds x + a d)
        double[] s = new double[size];
        double[] y = new double[size];
        double[] gNext = g2();
        for (int i = 0; i < size; i++) {
            s[i] = xNext[i] - x[i];
            y[i] = gNext[i] - g[i];
        }
        pairs.add(s, y);
        double previous = f;
        x = xNext;
        g = gNext.clone();
        f = r.value();
        String stop = null;
        double gMax = FlatVector.maxAbs(g);
        double decrease = (previous - f) / Math.max(Math.max(Math.abs(previous), Math.abs(f)), 1);
        if (gMax <= options.gradientTolerance()) {
            stop = "converged: max |gradient| " + gMax + " <= gradientTolerance " + options.gradientTolerance();
        } else if (decrease <= options.functionTolerance()) {
            stop = "converged: relative decrease " + decrease + " <= functionTolerance " + options.functionTolerance();
        } else if (!r.wolfe()) {
            stop = "the line search found no step satisfying the strong Wolfe conditions in " + r.evaluations()
                    + " evaluations (kept the lowest point it found)";
        }
        return new Iteration(f, evals, stop);
    }

    private double[] g2() {
        if (gNextBuffer == null) {
            gNextBuffer = new double[size];
        }
        return gNextBuffer;
    }

    /** Curvature pairs skipped because {@code s.y <= 0}. */
    public long skippedUpdates() {
        return pairs.skipped();
    }

    /** Pairs held now. */
    public int pairs() {
        return pairs.size();
    }

    @Override
    public void startEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        this.epoch = epoch;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    /** The last accepted step length along the L-BFGS direction (0 before the first). */
    @Override
    public double learningRate() {
        return lastStep;
    }

    /** Iterations so far. */
    @Override
    public long steps() {
        return iterations;
    }

    @Override
    public void step(List<INDArray> parameters, List<INDArray> gradients) {
        throw new UnsupportedOperationException("lbfgs needs the objective itself: call iterate, not step");
    }

    @Override
    public void stepTaken() {
        throw new IllegalStateException("lbfgs has no plain rate: call iterate");
    }

    /** Forgets the history and the cached value (after the parameters were replaced). */
    @Override
    public void reset() {
        pairs.reset();
        x = null;
        g = null;
        f = Double.NaN;
        iterations = 0;
        epoch = -1;
        lastStep = 0;
    }

    @Override
    public OptimizerState state() {
        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put(OptimizerState.STEP, (double) iterations);
        scalars.put(OptimizerState.EPOCH, (double) epoch);
        scalars.put(OptimizerState.LR, lastStep);
        return new OptimizerState(options.kind(), scalars, List.of());
    }

    /** The counters; the history starts afresh (see the class comment). */
    @Override
    public void restoreState(OptimizerState state) {
        if (!state.kind().equals(options.kind())) {
            throw new IllegalArgumentException("saved state is of a " + state.kind() + " optimizer, this one is lbfgs");
        }
        if (!state.arrays().isEmpty()) {
            throw new IllegalArgumentException("lbfgs state has no arrays, got " + state.arrays().size());
        }
        double steps = state.scalar(OptimizerState.STEP);
        double savedEpoch = state.scalar(OptimizerState.EPOCH);
        double step = state.scalar(OptimizerState.LR);
        if (!(steps >= 0) || steps != Math.rint(steps) || !(savedEpoch >= -1) || savedEpoch != Math.rint(savedEpoch)
                || !(step >= 0) || Double.isInfinite(step)) {
            throw new IllegalArgumentException("lbfgs state needs whole step >= 0, epoch >= -1 and a finite lr >= 0; got "
                    + state.scalars());
        }
        reset();
        iterations = (long) steps;
        epoch = (int) savedEpoch;
        lastStep = step;
    }

    @Override
    public void close() {
        pairs.clear();
        x = null;
        g = null;
        gNextBuffer = null;
    }
}
