package io.layerwise.core.ae;

import io.layerwise.api.spec.Spec;
import io.layerwise.core.optim.OptimizerSpec;

/**
 * The {@code train} section of a stage: {@code {"epochs":5,"batch":20,"optimizer":{"kind":"sgd","lr":0.1}}}; the
 * optimizer's kinds, fields and schedules are those of {@link OptimizerSpec}.
 */
public record TrainingOptions(int epochs, int batch, OptimizerSpec optimizer) {

    public static final int DEFAULT_EPOCHS = 5;
    public static final int DEFAULT_BATCH = 20;

    public TrainingOptions {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must be given");
        }
    }

    /** Reads and validates {@code train} (all fields optional). */
    public static TrainingOptions read(Spec train) {
        int epochs = train.integer("epochs", DEFAULT_EPOCHS, 0, 1_000_000);
        int batch = train.integer("batch", DEFAULT_BATCH, 1, 1 << 20);
        return new TrainingOptions(epochs, batch, OptimizerSpec.read(train.object("optimizer"), epochs));
    }
}
