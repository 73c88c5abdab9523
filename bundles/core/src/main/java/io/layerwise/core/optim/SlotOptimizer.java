package io.layerwise.core.optim;

import io.layerwise.api.stage.Parameter;
import io.layerwise.core.nn.Level1;
import io.layerwise.core.nn.NdArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What every optimizer here shares: the schedule, the epoch and step counters, and named "slots" (one array per
 * parameter, e.g. Adam's {@code m} and {@code v}) that are saved in {@link #state()}. Subclasses declare their
 * slots in the constructor and implement {@link #update}; scratch arrays (not state) come from {@link #scratch}.
 */
abstract class SlotOptimizer implements Optimizer {
    static final String STEP = OptimizerState.STEP;
    static final String EPOCH = OptimizerState.EPOCH;
    static final String LR = OptimizerState.LR;

    private final String kind;
    private final double baseLr;
    private final Schedule schedule;
    private final int count;
    private final Map<String, List<INDArray>> slots = new LinkedHashMap<>();
    private final List<INDArray> scratch = new ArrayList<>();
    private long steps;
    private int epoch = -1;
    private double lr;

    SlotOptimizer(Options options, Schedule schedule, List<INDArray> parameters) {
        if (schedule == null) {
            throw new IllegalArgumentException("schedule must be given (Schedule.Constant for none)");
        }
        this.kind = options.kind();
        this.baseLr = options.lr();
        this.schedule = schedule;
        this.count = parameters.size();
        this.lr = schedule.lr(baseLr, 0);
    }

    /** Declares a slot: zeroed arrays shaped like the parameters, saved in the state as {@code name.i}. */
    final List<INDArray> slot(String name, List<INDArray> parameters) {
        List<INDArray> arrays = zerosLike(parameters);
        slots.put(name, arrays);
        return arrays;
    }

    /** Work arrays shaped like the parameters, freed on {@link #close}, never saved. */
    final List<INDArray> scratch(List<INDArray> parameters) {
        List<INDArray> arrays = zerosLike(parameters);
        scratch.addAll(arrays);
        return arrays;
    }

    /** {@code parameter <- parameter - stepSize * numerator / (sqrt(square) + eps)}, element-wise, through {@code work}. */
    static void scaledStep(INDArray numerator, INDArray square, double eps, double stepSize, INDArray work,
            INDArray parameter) {
        Nd4j.getExecutioner().exec(new Sqrt(square, work));
        work.addi(eps).rdivi(numerator);
        Level1.axpy(-stepSize, work, parameter);
    }

    /** Called before the slots are read ({@link #state}): a rule that keeps their values elsewhere writes them back. */
    void beforeSlotsRead() {
    }

    /** Called after the slots were overwritten ({@link #restoreState}, {@link #reset}): copies elsewhere are stale. */
    void afterSlotsWritten() {
    }

    /** The options' check for learning rates and denominators' {@code eps}. */
    static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** The options' check for decay rates and momentum. */
    static void requireInUnitInterval(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
    }

    /**
     * Updates every parameter in place.
     *
     * @param lr the current learning rate
     * @param t  the number of this update, from 1
     */
    abstract void update(List<INDArray> parameters, List<INDArray> gradients, double lr, long t);

    @Override
    public final void step(List<INDArray> parameters, List<INDArray> gradients) {
        if (parameters.size() != count || gradients.size() != count) {
            throw new IllegalArgumentException("constructed for " + count + " parameters, got " + parameters.size()
                    + " parameters and " + gradients.size() + " gradients");
        }
        steps++;
        update(parameters, gradients, lr, steps);
    }

    @Override
    public final void stepTaken() {
        if (plainRate().isEmpty()) {
            throw new IllegalStateException(kind + " keeps state or scales its steps: call step, not stepTaken");
        }
        steps++;
    }

    @Override
    public final void startEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        this.epoch = epoch;
        this.lr = schedule.lr(baseLr, epoch);
    }

    @Override
    public final int epoch() {
        return epoch;
    }

    @Override
    public final double learningRate() {
        return lr;
    }

    @Override
    public final long steps() {
        return steps;
    }

    @Override
    public final void reset() {
        slots.values().forEach(l -> l.forEach(a -> a.assign(0)));
        afterSlotsWritten();
        steps = 0;
        epoch = -1;
        lr = schedule.lr(baseLr, 0);
    }

    @Override
    public final OptimizerState state() {
        beforeSlotsRead();
        List<Parameter> arrays = new ArrayList<>();
        slots.forEach((name, list) -> {
            for (int i = 0; i < list.size(); i++) {
                INDArray a = list.get(i);
                if (a.dataType() != DataType.FLOAT) {
                    throw new IllegalStateException(kind + " state is saved as float32; " + name + "." + i + " is "
                            + a.dataType());
                }
                INDArray c = a.dup('c');
                float[] v = c.data().asFloat();
                c.close();
                arrays.add(new Parameter(name + "." + i, shape(a), Arrays.copyOf(v, (int) a.length())));
            }
        });
        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put(STEP, (double) steps);
        scalars.put(EPOCH, (double) epoch);
        scalars.put(LR, lr);
        return new OptimizerState(kind, scalars, arrays);
    }

    @Override
    public final void restoreState(OptimizerState state) {
        if (!state.kind().equals(kind)) {
            throw new IllegalArgumentException("saved state is of a " + state.kind() + " optimizer, this one is " + kind);
        }
        double savedSteps = state.scalar(STEP);
        double savedEpoch = state.scalar(EPOCH);
        double savedLr = state.scalar(LR);
        if (!(savedSteps >= 0) || savedSteps != Math.rint(savedSteps)) {
            throw new IllegalArgumentException("state scalar step must be a whole number >= 0, got " + savedSteps);
        }
        if (!(savedEpoch >= -1) || savedEpoch != Math.rint(savedEpoch) || savedEpoch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("state scalar epoch must be a whole number >= -1, got " + savedEpoch);
        }
        if (!(savedLr >= 0) || Double.isInfinite(savedLr)) {
            throw new IllegalArgumentException("state scalar lr must be >= 0 and finite, got " + savedLr);
        }
        Map<String, Parameter> byName = new HashMap<>();
        state.arrays().forEach(p -> byName.put(p.name(), p));
        List<INDArray> targets = new ArrayList<>();
        List<Parameter> sources = new ArrayList<>();
        slots.forEach((name, list) -> {
            for (int i = 0; i < list.size(); i++) {
                String key = name + "." + i;
                Parameter p = byName.remove(key);
                if (p == null) {
                    throw new IllegalArgumentException(kind + " state has no array " + key + " " + Arrays.toString(shape(list.get(i))));
                }
                if (!Arrays.equals(p.shape(), shape(list.get(i)))) {
                    throw new IllegalArgumentException(kind + " state array " + key + " has shape "
                            + Arrays.toString(p.shape()) + ", expected " + Arrays.toString(shape(list.get(i))));
                }
                targets.add(list.get(i));
                sources.add(p);
            }
        });
        if (!byName.isEmpty()) {
            throw new IllegalArgumentException(kind + " state has arrays this optimizer does not use: "
                    + byName.keySet().stream().sorted().toList());
        }
        for (int i = 0; i < targets.size(); i++) {
            INDArray t = targets.get(i);
            try (INDArray src = Nd4j.create(sources.get(i).values(), t.shape(), t.dataType())) {
                t.assign(src);
            }
        }
        afterSlotsWritten();
        steps = (long) savedSteps;
        epoch = (int) savedEpoch;
        lr = savedLr;
    }

    @Override
    public final void close() {
        slots.values().forEach(l -> l.forEach(NdArrays::close));
        slots.clear();
        scratch.forEach(NdArrays::close);
        scratch.clear();
    }

    private static List<INDArray> zerosLike(List<INDArray> parameters) {
        List<INDArray> arrays = new ArrayList<>();
        for (INDArray p : parameters) {
            arrays.add(Nd4j.zeros(p.dataType(), p.shape()));
        }
        return arrays;
    }

    private static int[] shape(INDArray a) {
        return Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray();
    }
}
