package io.layerwise.core.ae;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.optim.Optimizer;
import io.layerwise.core.optim.OptimizerState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Writes and reads a stage's {@link TrainingState} under the names every stage of core and the model bundles uses:
 * <ul>
 * <li>an {@link Optimizer} under a prefix {@code p} ({@code optimizer.}): its arrays as {@code p<slot>.<i>} (e.g.
 * {@code optimizer.m.0}), its counts {@code p}{@value OptimizerState#STEP} and {@code p}{@value OptimizerState#EPOCH}
 * as counters, its other scalars ({@code p}{@value OptimizerState#LR}) as one-element float64 values;</li>
 * <li>a native random generator ({@link SeededGenerator#state()}) as the counters {@code <prefix>rootState} and
 * {@code <prefix>nodeState}: ND4J's generator is exactly these two words;</li>
 * <li>penalty {@code i} of a stage's list as the values {@code penalty.<i>.<name>} of its {@link Penalty#state()}.</li>
 * </ul>
 * A {@link Reader} hands each entry to the part that claims it and then, in {@link Reader#finish()}, rejects the
 * entries nobody claimed, so that a checkpoint of another configuration (PCD chains given to a CD stage, Adam moments
 * given to SGD) fails with the entry's name instead of resuming differently.
 */
public final class TrainingStates {
    /** The prefix of a stage's optimizer. */
    public static final String OPTIMIZER = "optimizer.";
    /** The prefix of a stage's penalties; penalty {@code i}'s entries are under {@code penalty.<i>.}. */
    public static final String PENALTY = "penalty.";

    private TrainingStates() {
    }

    /** Collects a stage's state. */
    public static final class Writer {
        private final List<Parameter> arrays = new ArrayList<>();
        private final Map<String, double[]> values = new LinkedHashMap<>();
        private final Map<String, Long> counters = new LinkedHashMap<>();

        public Writer array(Parameter p) {
            arrays.add(p);
            return this;
        }

        public Writer counter(String name, long value) {
            counters.put(name, value);
            return this;
        }

        public Writer value(String name, double[] value) {
            values.put(name, value.clone());
            return this;
        }

        /** Every counter of {@code state} under {@code prefix}. */
        public Writer counters(String prefix, Map<String, Long> state) {
            state.forEach((k, v) -> counters.put(prefix + k, v));
            return this;
        }

        /** The optimizer's state under {@code prefix}. */
        public Writer optimizer(String prefix, Optimizer optimizer) {
            OptimizerState s = optimizer.state();
            for (Parameter p : s.arrays()) {
                arrays.add(new Parameter(prefix + p.name(), p.shape(), p.values()));
            }
            s.scalars().forEach((name, v) -> {
                if (OptimizerState.COUNTS.contains(name)) {
                    counters.put(prefix + name, (long) (double) v);
                } else {
                    values.put(prefix + name, new double[] {v});
                }
            });
            return this;
        }

        /** Each penalty's {@link Penalty#state()} under {@code prefix<i>.}. */
        public Writer penalties(String prefix, List<Penalty> penalties) {
            for (int i = 0; i < penalties.size(); i++) {
                String p = prefix + i + ".";
                penalties.get(i).state().forEach((k, v) -> values.put(p + k, v.clone()));
            }
            return this;
        }

        public TrainingState build() {
            return new TrainingState(arrays, values, counters);
        }
    }

    /**
     * Hands a saved state's entries to the parts of a stage. Each method restores at once and throws an
     * {@link IllegalArgumentException} naming a missing or misshapen entry; {@link #finish()} names the entries left
     * over. After an exception the stage is partly restored: discard it.
     */
    public static final class Reader {
        private final Map<String, Parameter> arrays = new LinkedHashMap<>();
        private final Map<String, double[]> values;
        private final Map<String, Long> counters;

        public Reader(TrainingState state) {
            state.arrays().forEach(p -> arrays.put(p.name(), p));
            this.values = new HashMap<>(state.values());
            this.counters = new HashMap<>(state.counters());
        }

        /** The array {@code name}, which must have {@code shape}. */
        public Parameter array(String name, int... shape) {
            Parameter p = arrays.remove(name);
            if (p == null) {
                throw new IllegalArgumentException("training state has no array " + name + " " + Arrays.toString(shape));
            }
            if (!Arrays.equals(p.shape(), shape)) {
                throw new IllegalArgumentException("training state array " + name + " has shape "
                        + Arrays.toString(p.shape()) + ", expected " + Arrays.toString(shape));
            }
            return p;
        }

        /** The counter {@code name}, which must be present. */
        public long counter(String name) {
            Long v = counters.remove(name);
            if (v == null) {
                throw new IllegalArgumentException("training state has no counter " + name);
            }
            return v;
        }

        /** The counters under {@code prefix}, without it (none: an empty map). */
        public Map<String, Long> counters(String prefix) {
            return take(counters, prefix);
        }

        /** Restores the optimizer from the entries under {@code prefix}. */
        public void optimizer(String prefix, Optimizer optimizer) {
            Map<String, Double> scalars = new LinkedHashMap<>();
            take(counters, prefix).forEach((k, v) -> scalars.put(k, (double) v));
            take(values, prefix).forEach((k, v) -> {
                if (v.length != 1) {
                    throw new IllegalArgumentException("training state value " + prefix + k + " has " + v.length
                            + " elements, expected 1");
                }
                scalars.put(k, v[0]);
            });
            List<Parameter> mine = new ArrayList<>();
            for (String name : List.copyOf(arrays.keySet())) {
                if (name.startsWith(prefix)) {
                    Parameter p = arrays.remove(name);
                    mine.add(new Parameter(name.substring(prefix.length()), p.shape(), p.values()));
                }
            }
            try {
                optimizer.restoreState(new OptimizerState(optimizer.state().kind(), scalars, mine));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("training state under " + prefix + ": " + e.getMessage(), e);
            }
        }

        /** Restores each penalty from the values under {@code prefix<i>.} (none: an empty map). */
        public void penalties(String prefix, List<Penalty> penalties) {
            for (int i = 0; i < penalties.size(); i++) {
                Map<String, double[]> mine = take(values, prefix + i + ".");
                try {
                    penalties.get(i).restoreState(mine);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("training state under " + prefix + i + ". (" 
                            + penalties.get(i).describe() + "): " + e.getMessage(), e);
                }
            }
        }

        /** Restores a part (a corruption, a sampler) from the counters under {@code prefix}. */
        public void counters(String prefix, Consumer<Map<String, Long>> restore) {
            Map<String, Long> mine = take(counters, prefix);
            try {
                restore.accept(mine);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("training state under " + prefix + ": " + e.getMessage(), e);
            }
        }

        /** Throws naming the entries no part claimed. */
        public void finish() {
            TreeSet<String> left = new TreeSet<>(arrays.keySet());
            left.addAll(values.keySet());
            left.addAll(counters.keySet());
            if (!left.isEmpty()) {
                throw new IllegalArgumentException("training state has entries this stage does not use: " + left);
            }
        }

        private static <T> Map<String, T> take(Map<String, T> from, String prefix) {
            Map<String, T> mine = new LinkedHashMap<>();
            for (String name : List.copyOf(from.keySet())) {
                if (name.startsWith(prefix)) {
                    mine.put(name.substring(prefix.length()), from.remove(name));
                }
            }
            return mine;
        }
    }
}
