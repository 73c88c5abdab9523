package io.layerwise.api.stage;

import java.util.List;
import java.util.Map;

/**
 * What a trainable stage needs, beyond its {@link Stage#parameters()}, to continue training exactly where it left
 * off: optimizer moments ({@code arrays}, float32 like the parameters), float64 statistics such as a penalty's
 * moving average {@code rho^} ({@code values}), and counters such as random generators' states and step counts
 * ({@code counters}). Names are the stage's own and stable across versions of its bundle, so that an updated
 * bundle can restore what the old one saved.
 */
public record TrainingState(List<Parameter> arrays, Map<String, double[]> values, Map<String, Long> counters) {
    /** No state beyond the parameters. */
    public static final TrainingState NONE = new TrainingState(List.of(), Map.of(), Map.of());

    public TrainingState {
        arrays = List.copyOf(arrays);
        values = Map.copyOf(values);
        counters = Map.copyOf(counters);
    }

    /** True when there is nothing beyond the parameters. */
    public boolean isEmpty() {
        return arrays.isEmpty() && values.isEmpty() && counters.isEmpty();
    }
}
