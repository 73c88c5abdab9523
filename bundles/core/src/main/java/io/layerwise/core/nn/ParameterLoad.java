package io.layerwise.core.nn;

import io.layerwise.api.stage.Parameter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Loads saved parameters into a model's arrays, all or nothing. */
public final class ParameterLoad {
    private ParameterLoad() {
    }

    /**
     * Copies {@code saved} into {@code targets} by name: {@code expected.get(i)} (name and shape) describes
     * {@code targets.get(i)}. Every saved parameter is checked before any array changes; a missing or misshapen one
     * is an {@link IllegalArgumentException} naming it.
     */
    public static void into(List<Parameter> expected, List<INDArray> targets, List<Parameter> saved) {
        Map<String, Parameter> byName = new HashMap<>();
        saved.forEach(p -> byName.put(p.name(), p));
        for (Parameter e : expected) {
            Parameter s = byName.get(e.name());
            if (s == null) {
                throw new IllegalArgumentException("missing parameter " + e.name() + " " + Arrays.toString(e.shape()));
            }
            if (!Arrays.equals(s.shape(), e.shape())) {
                throw new IllegalArgumentException("parameter " + e.name() + " has shape " + Arrays.toString(s.shape())
                        + ", expected " + Arrays.toString(e.shape()));
            }
        }
        for (int i = 0; i < expected.size(); i++) {
            INDArray t = targets.get(i);
            try (INDArray src = Nd4j.create(byName.get(expected.get(i).name()).values(), t.shape(), t.dataType())) {
                t.assign(src);
            }
        }
    }
}
