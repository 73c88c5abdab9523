package io.layerwise.engine.internal;

import io.layerwise.api.spec.Spec;

/**
 * The fields of a trainable stage's {@code train} section that the engine reads itself, for every stage type:
 * {@code validation} ({@link ValidationSplit}), {@code earlyStopping} ({@link EarlyStopping.Options}; null when
 * absent), {@code checkpointEvery} (minibatches between checkpoints within an epoch; 0: at the end of each
 * epoch only) and {@code saveEvery} (epochs between saving the model and a checkpoint, default 1; the last epoch
 * and a stop always save: a full-batch L-BFGS "epoch" is one iteration, and saving 1.2 MB twice per iteration cost
 * a third of a 400-iteration run). The stage's provider reads the rest of the section ({@code epochs}, {@code batch},
 * {@code optimizer}).
 */
record TrainControl(ValidationSplit validation, EarlyStopping.Options earlyStopping, int checkpointEvery,
        int saveEvery) {

    static final TrainControl NONE = new TrainControl(ValidationSplit.NONE, null);

    TrainControl(ValidationSplit validation, EarlyStopping.Options earlyStopping) {
        this(validation, earlyStopping, 0, 1);
    }

    /** Reads the engine's fields of {@code stage.train}; call only for trainable stages. */
    static TrainControl read(Spec stage) {
        Spec train = stage.object("train");
        ValidationSplit validation = ValidationSplit.read(train);
        EarlyStopping.Options stopping = EarlyStopping.Options.read(train, EarlyStopping.STAGE_MONITORS,
                validation.any(), train.pathOf("validation"));
        int every = train.integer("checkpointEvery", 0, 0, Integer.MAX_VALUE);
        int saveEvery = train.integer("saveEvery", 1, 1, Integer.MAX_VALUE);
        return new TrainControl(validation, stopping, every, saveEvery);
    }
}
