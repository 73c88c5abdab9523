package io.layerwise.engine.internal;

import io.layerwise.api.spec.Spec;

/**
 * The fields of a trainable stage's {@code train} section that the engine reads itself, for every stage type:
 * {@code validation} ({@link ValidationSplit}) and {@code earlyStopping} ({@link EarlyStopping.Options}; null when
 * absent). The stage's provider reads the rest of the section ({@code epochs}, {@code batch}, {@code optimizer}).
 */
record TrainControl(ValidationSplit validation, EarlyStopping.Options earlyStopping) {

    static final TrainControl NONE = new TrainControl(ValidationSplit.NONE, null);

    /** Reads the engine's fields of {@code stage.train}; call only for trainable stages. */
    static TrainControl read(Spec stage) {
        Spec train = stage.object("train");
        ValidationSplit validation = ValidationSplit.read(train);
        EarlyStopping.Options stopping = EarlyStopping.Options.read(train, EarlyStopping.STAGE_MONITORS,
                validation.any(), train.pathOf("validation"));
        return new TrainControl(validation, stopping);
    }
}
