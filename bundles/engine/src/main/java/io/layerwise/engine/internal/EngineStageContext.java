package io.layerwise.engine.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.api.stage.StageContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The engine's side of {@link StageContext} for one stage: resolves regularizers by name (each penalty wrapped in a
 * {@link GuardedPenalty}) and remembers the services it took, so they are released when the stage ends.
 */
final class EngineStageContext implements StageContext, AutoCloseable {
    private final Lookup<Regularizer> regularizers;
    private final int inputSize;
    private final String inputRange;
    private final long seed;
    private final Consumer<String> log;
    private final List<Lookup.Held<Regularizer>> taken = new ArrayList<>();
    private final List<String> penalties = new ArrayList<>();
    private int rows;
    private MemoryBudget budget;
    private MemoryEstimate reserved;

    EngineStageContext(Lookup<Regularizer> regularizers, int inputSize, String inputRange, long seed,
            Consumer<String> log) {
        this.regularizers = regularizers;
        this.inputSize = inputSize;
        this.inputRange = inputRange;
        this.seed = seed;
        this.log = log;
    }

    /**
     * Checks the memory the stage reserves against {@code budget} (none: nothing is checked, a tool's context).
     *
     * @param rows the most rows the stage is given at once
     */
    EngineStageContext withMemory(int rows, MemoryBudget budget) {
        this.rows = rows;
        this.budget = budget;
        return this;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void reserve(MemoryEstimate estimate) {
        if (budget != null) {
            budget.check(estimate);
        }
        reserved = estimate;
    }

    /** What the stage reserved; null when its provider reserved nothing (a plug-in built before reserve existed). */
    MemoryEstimate reserved() {
        return reserved;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public String inputRange() {
        return inputRange;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Penalty penalty(Spec spec) {
        String name = spec.text("name", null);
        Lookup.Held<Regularizer> held = regularizers.take(name).orElseThrow(() -> new SpecException(
                spec.pathOf("name"), "\"" + name + "\" is not an installed regularizer; installed: " + regularizers.listing()));
        Regularizer regularizer = held.service();
        if (regularizer == null) {
            throw new SpecException(spec.pathOf("name"), "\"" + name + "\": its bundle " + held.bundleAndVersion()
                    + " went away; installed now: " + regularizers.listing());
        }
        taken.add(held);
        String bundle = held.bundleAndVersion();
        Penalty penalty;
        String description;
        try {
            penalty = regularizer.configure(spec);
            description = penalty.describe();
        } catch (SpecException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new SpecException(spec.path(), "regularizer \"" + name + "\" from " + bundle + " failed: " + e);
        }
        penalties.add(description + " from " + bundle);
        return GuardedPenalty.wrap(penalty, name, bundle);
    }

    @Override
    public void log(String message) {
        log.accept(message);
    }

    /** The penalties handed out, described with their bundles (for error messages). */
    List<String> penalties() {
        return penalties;
    }

    @Override
    public void close() {
        taken.forEach(Lookup.Held::close);
        taken.clear();
    }
}
