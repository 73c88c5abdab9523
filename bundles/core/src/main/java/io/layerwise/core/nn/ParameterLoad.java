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

    /** A parameter's name and shape, without its values: what {@link #into} checks saved parameters against. */
    public record Expected(String name, int... shape) {
    }

    /**
     * Copies {@code saved} into {@code targets} by name: {@code expected.get(i)} (name and shape) describes
     * {@code targets.get(i)}. Every saved parameter is checked before any array changes; a missing or misshapen one
     * is an {@link IllegalArgumentException} naming it.
     */
    public static void into(List<Parameter> expected, List<INDArray> targets, List<Parameter> saved) {
        intoShapes(expected.stream().map(p -> new Expected(p.name(), p.shape())).toList(), targets, saved);
    }

    /**
     * As {@link #into} with names and shapes only, so that no copy of the current values is made to describe them
     * (a stage of a gigabyte of weights would otherwise need another gigabyte of heap to be restored).
     */
    public static void intoShapes(List<Expected> expected, List<INDArray> targets, List<Parameter> saved) {
        Map<String, Parameter> byName = new HashMap<>();
        saved.forEach(p -> byName.put(p.name(), p));
        for (Expected e : expected) {
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
