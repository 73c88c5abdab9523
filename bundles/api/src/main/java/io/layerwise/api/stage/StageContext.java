package io.layerwise.api.stage;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import org.osgi.annotation.versioning.ProviderType;

/** What the engine tells a stage about its place in the pipeline, and the services it may use. */
@ProviderType
public interface StageContext {
    /** Width of this stage's input (the data, or the previous stage's code). */
    int inputSize();

    /** {@link io.layerwise.api.data.Dataset#UNIT} when inputs lie in [0, 1], else {@link io.layerwise.api.data.Dataset#REAL}. */
    String inputRange();

    /** Seed for this stage's parameter initialisation and noise; derived from the pipeline seed and stage index. */
    long seed();

    /**
     * Resolves one entry of a stage's {@code regularizers} list (its {@code name} field picks the regularizer
     * service) into a configured penalty with fresh state. Throws a {@link io.layerwise.api.spec.SpecException}
     * naming the missing regularizer and those installed when none has that name.
     */
    Penalty penalty(Spec regularizerSpec);

    /** A line for the run log (warnings about the configuration, for example). */
    void log(String message);

    /**
     * The most rows this stage is given at once: its training rows, or the held-out rows or those the engine encodes
     * through it, whichever are more. A {@link MemoryEstimate} multiplies the stage's per-row arrays by it; 0 when
     * unknown (then only the fixed parts count).
     *
     * @since 1.4
     */
    default int rows() {
        return 0;
    }

    /**
     * Checks, before the stage allocates anything, that what it states fits in memory beside what the engine holds for
     * it (a copy of its parameters to save them, its training state for checkpoints, the rows of data); throws a
     * {@link io.layerwise.api.spec.SpecException} at {@code estimate.field()} naming the sizes and the limit they
     * exceed when not. When the engine restores a saved model, it also checks that the parameters the spec makes are
     * as large as the saved ones, before anything is allocated. Providers call it after reading their fields and
     * before allocating arrays. By default (contexts of tests and tools) it checks nothing.
     *
     * @since 1.4
     */
    default void reserve(MemoryEstimate estimate) {
    }
}
