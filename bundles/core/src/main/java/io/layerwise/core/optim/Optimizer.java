package io.layerwise.core.optim;

import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A first-order update rule for a fixed list of parameter arrays. Lifecycle:
 * <ol>
 * <li>constructed for a parameter list ({@link Options#create}); per-parameter state (velocities, moments) is
 * allocated here, zeroed, with each parameter's shape and data type;</li>
 * <li>{@link #startEpoch} when an epoch begins, which sets that epoch's learning rate from the {@link Schedule}
 * (before the first call the rate is the schedule's epoch-0 rate, so an optimizer used without epochs runs at
 * its base rate);</li>
 * <li>{@link #step} once per minibatch with the gradients of the objective, parameters and gradients in the
 * order of construction; the update happens in place, without allocating arrays;</li>
 * <li>{@link #reset} forgets all state (after parameters were replaced): as if newly constructed;</li>
 * <li>{@link #state} / {@link #restoreState} save and restore the state for a checkpoint, so that a restored
 * optimizer continues exactly as the saved one would have;</li>
 * <li>{@link #close} frees the native arrays; the optimizer is unusable afterwards.</li>
 * </ol>
 * Used by one thread at a time. Core implements it (the {@link Options} interface is sealed); stages use it.
 */
@ProviderType
public interface Optimizer extends AutoCloseable {

    /**
     * Hyper-parameters of one algorithm: a record that validates itself and names the offending field. {@link #lr}
     * is the base rate that a {@link Schedule} scales.
     */
    sealed interface Options permits Sgd.Options, Adam.Options, RmsProp.Options, AdaGrad.Options, Lbfgs.Options {

        /** The JSON {@code kind}: {@code sgd}, {@code nesterov}, {@code adam}, {@code rmsprop}, {@code adagrad}, {@code lbfgs}. */
        String kind();

        /** The base learning rate. */
        double lr();

        /** A fresh optimizer for these parameters. */
        Optimizer create(List<INDArray> parameters, Schedule schedule);

        /**
         * Arrays shaped like the parameters that the optimizer keeps as its state (velocities, moments), saved with
         * every checkpoint: the memory estimate of a stage counts them once natively and once on the heap.
         *
         * @since 1.3
         */
        int stateArrays();

        /**
         * Further arrays shaped like the parameters that the optimizer allocates as work space, never saved.
         *
         * @since 1.3
         */
        int workArrays();

        /**
         * Arrays shaped like the parameters that the optimizer keeps on the Java heap while it trains, beside the native
         * ones (Adam's fused update keeps m and v there, SGD's its velocity): a stage's memory estimate counts them on the heap.
         *
         * @since 1.4
         */
        default int heapStateArrays() {
            return 0;
        }
    }

    /** Sets the learning rate of {@code epoch} (0 = the first) from the schedule. */
    void startEpoch(int epoch);

    /** The epoch last started, -1 before the first {@link #startEpoch}. */
    int epoch();

    /**
     * Called with each minibatch's index in its epoch before that minibatch's {@link #step}: minibatch 0 starts the
     * next epoch (and its scheduled rate). Trainers number their minibatches anyway, so none counts epochs of its
     * own; a run resumed inside an epoch starts at a later index and keeps the restored epoch.
     */
    default void beginBatch(int batch) {
        if (batch == 0) {
            startEpoch(epoch() + 1);
        }
    }

    /** The learning rate in use. */
    double learningRate();

    /** Updates so far (Adam's bias correction counts them). */
    long steps();

    /** One update of every parameter with its gradient; both lists in the order of construction. */
    void step(List<INDArray> parameters, List<INDArray> gradients);

    /**
     * The rate {@code r} when the update is {@code theta <- theta - r g} for every parameter, with no state (plain
     * SGD): a trainer may then apply it itself inside the product that computes {@code g} (a GEMM with beta 1 into
     * the parameter, which saves writing {@code g} and one pass over each weight matrix) and report it with
     * {@link #stepTaken()} instead of calling {@link #step}. Empty for every other rule.
     *
     * @since 1.2
     */
    default OptionalDouble plainRate() {
        return OptionalDouble.empty();
    }

    /**
     * Counts an update that the trainer applied itself at {@link #plainRate()}, as {@link #step} would have.
     *
     * @throws IllegalStateException when {@link #plainRate()} is empty
     * @since 1.2
     */
    void stepTaken();

    /**
     * One minibatch's update, either way: {@code fused} with the {@link #plainRate()} when there is one (then counted
     * by {@link #stepTaken()}), else {@code gradient} followed by {@link #step}.
     *
     * @param parameters the parameters, as for {@link #step}
     * @param gradients  where {@code gradient} writes the gradients, as for {@link #step}
     * @param fused      computes the gradient and applies {@code theta <- theta - rate g} itself
     * @param gradient   computes the gradient into {@code gradients}
     * @return what the function that ran returned (the minibatch's objective)
     * @since 1.2
     */
    default <R> R minibatch(List<INDArray> parameters, List<INDArray> gradients, DoubleFunction<R> fused,
            Supplier<R> gradient) {
        OptionalDouble rate = plainRate();
        if (rate.isPresent()) {
            R result = fused.apply(rate.getAsDouble());
            stepTaken();
            return result;
        }
        R result = gradient.get();
        step(parameters, gradients);
        return result;
    }

    /** Zeroes every moment and velocity, the step count, and the epoch (back to -1, base rate). */
    void reset();

    /** A copy of the state, for a checkpoint; float32 arrays only (like the model's parameters). */
    OptimizerState state();

    /**
     * Replaces the state with a saved one of the same kind and shapes; checks everything before changing anything
     * and names a missing, extra or misshapen entry in its {@link IllegalArgumentException}.
     */
    void restoreState(OptimizerState state);

    /** Frees the native arrays. */
    @Override
    void close();
}
