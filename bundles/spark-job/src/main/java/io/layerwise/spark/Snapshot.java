package io.layerwise.spark;

import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.TrainingState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the driver broadcasts at the start of a round (and saves as the round's checkpoint): the averaged parameters,
 * the averaged optimiser state (the arrays under {@value #OPTIMIZER} and the float64 values of
 * {@link TrainingState}), and each worker's own state: its random generators' counters and its other arrays (an
 * RBM's persistent chains), which are not averaged because they describe that worker's stream, not the model.
 *
 * @param workers worker index to its own state; a worker absent here has not trained yet
 */
public record Snapshot(List<Array> parameters, List<Array> optimizer, Map<String, double[]> values,
        Map<Integer, WorkerState> workers) implements Serializable {
    /** The prefix of the optimiser's arrays in every stage's {@link TrainingState} (core's TrainingStates). */
    public static final String OPTIMIZER = "optimizer.";

    /** A named float32 array: a serializable {@link Parameter}. */
    public record Array(String name, int[] shape, float[] values) implements Serializable {
        static Array of(Parameter p) {
            return new Array(p.name(), p.shape().clone(), p.values().clone());
        }

        Parameter parameter() {
            return new Parameter(name, shape, values);
        }

        static List<Array> of(List<Parameter> ps) {
            List<Array> out = new ArrayList<>();
            ps.forEach(p -> out.add(of(p)));
            return out;
        }

        static List<Parameter> parameters(List<Array> as) {
            List<Parameter> out = new ArrayList<>();
            as.forEach(a -> out.add(a.parameter()));
            return out;
        }
    }

    /** A worker's own part of the training state. */
    public record WorkerState(Map<String, Long> counters, List<Array> arrays) implements Serializable {
    }

    /** The parameters of a stage just created: no training state yet. */
    public static Snapshot initial(List<Parameter> parameters) {
        return new Snapshot(Array.of(parameters), List.of(), Map.of(), Map.of());
    }

    public List<Parameter> parameterList() {
        return Array.parameters(parameters);
    }

    /** Worker {@code w}'s full training state, or null when it has not trained yet. */
    public TrainingState stateOf(int w) {
        WorkerState own = workers.get(w);
        if (own == null) {
            return null;
        }
        List<Parameter> arrays = new ArrayList<>(Array.parameters(optimizer));
        arrays.addAll(Array.parameters(own.arrays()));
        return new TrainingState(arrays, values, own.counters());
    }

    /** Splits a worker's training state into the averaged part and its own. */
    static Split split(TrainingState s) {
        List<Array> optimizer = new ArrayList<>();
        List<Array> own = new ArrayList<>();
        for (Parameter p : s.arrays()) {
            (p.name().startsWith(OPTIMIZER) ? optimizer : own).add(Array.of(p));
        }
        return new Split(optimizer, new HashMap<>(s.values()), new WorkerState(new HashMap<>(s.counters()), own));
    }

    record Split(List<Array> optimizer, Map<String, double[]> values, WorkerState own) implements Serializable {
    }
}
