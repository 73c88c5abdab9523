package io.layerwise.core.optim;

import io.layerwise.api.stage.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an {@link Optimizer} needs to continue bit-identically after a restart, as plain values: its
 * {@code kind} ({@code "sgd"}, {@code "adam"}, ...), scalars ({@code step}, the number of updates so far;
 * {@code epoch}, the epoch last started, -1 before the first; {@code lr}, the rate in use) and its per-parameter
 * arrays (moments, velocities) as float32 {@link Parameter}s named {@code <slot>.<parameter index>}, e.g.
 * {@code m.0}, {@code v.0}, {@code m.1}, so that a checkpoint can store them exactly like a model's parameters.
 */
public record OptimizerState(String kind, Map<String, Double> scalars, List<Parameter> arrays) {
    /** The number of updates so far: a count. */
    public static final String STEP = "step";
    /** The epoch last started, -1 before the first: a count. */
    public static final String EPOCH = "epoch";
    /** The learning rate in use: a real number. */
    public static final String LR = "lr";
    /** The scalars that are whole numbers (so that a stage can save them as counters, the others as float64). */
    public static final java.util.Set<String> COUNTS = java.util.Set.of(STEP, EPOCH);

    public OptimizerState {
        if (kind == null || kind.isEmpty()) {
            throw new IllegalArgumentException("kind must be given");
        }
        scalars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
        arrays = List.copyOf(arrays);
    }

    /** A scalar that must be present. */
    public double scalar(String name) {
        Double v = scalars.get(name);
        if (v == null) {
            throw new IllegalArgumentException(kind + " state has no scalar " + name + "; it has " + new java.util.TreeSet<>(scalars.keySet()));
        }
        return v;
    }
}
