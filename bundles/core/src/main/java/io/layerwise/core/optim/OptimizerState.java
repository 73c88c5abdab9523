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
