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
}
