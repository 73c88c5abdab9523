package io.layerwise.core.ae;

import io.layerwise.api.spec.Spec;
import io.layerwise.core.optim.Lbfgs;
import io.layerwise.core.optim.OptimizerSpec;

/**
 * The {@code train} section of a stage: {@code {"epochs":5,"batch":20,"optimizer":{"kind":"sgd","lr":0.1}}}; the
 * optimizer's kinds, fields and schedules are those of {@link OptimizerSpec}. With a full-batch optimizer
 * ({@code lbfgs}) an epoch is one iteration on a fixed batch, the first {@code batch} training rows, all of them by
 * default ({@link #ALL_ROWS}).
 */
public record TrainingOptions(int epochs, int batch, OptimizerSpec optimizer) {

    public static final int DEFAULT_EPOCHS = 5;
    public static final int DEFAULT_BATCH = 20;
    /** The largest batch: with a full-batch optimizer, the default, meaning every training row. */
    public static final int ALL_ROWS = 1 << 20;

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

    /** Reads and validates {@code train} (all fields optional); minibatch optimizers only. */
    public static TrainingOptions read(Spec train) {
        return read(train, false);
    }

    /**
     * As {@link #read(Spec)}; {@code objective} allows the full-batch optimizers (see
     * {@link OptimizerSpec#read(Spec, int, boolean)}).
     */
    public static TrainingOptions read(Spec train, boolean objective) {
        int epochs = train.integer("epochs", DEFAULT_EPOCHS, 0, 1_000_000);
        Spec opt = train.object("optimizer");
        OptimizerSpec optimizer = OptimizerSpec.read(opt, epochs, objective);
        int batch = train.integer("batch", fullBatch(optimizer) ? ALL_ROWS : DEFAULT_BATCH, 1, ALL_ROWS);
        return new TrainingOptions(epochs, batch, optimizer);
    }

    /** Whether this optimizer takes a fixed batch and iterates on it (L-BFGS) rather than stepping per minibatch. */
    public static boolean fullBatch(OptimizerSpec optimizer) {
        return optimizer.options() instanceof Lbfgs.Options;
    }

    public boolean fullBatch() {
        return fullBatch(optimizer);
    }
}
