package io.layerwise.core.ae;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.core.nn.Sgd;

/**
 * The {@code train} section of a stage: {@code {"epochs":5,"batch":20,"optimizer":{"kind":"sgd","lr":0.1,"momentum":0.0}}}.
 */
public record TrainingOptions(int epochs, int batch, Sgd.Options sgd) {

    public static final int DEFAULT_EPOCHS = 5;
    public static final int DEFAULT_BATCH = 20;

    public TrainingOptions {
        if (epochs < 0 || batch < 1 || sgd == null) {
            throw new IllegalArgumentException("epochs must be >= 0, batch >= 1 and sgd given; got " + epochs + ", "
                    + batch + ", " + sgd);
        }
    }

    /** Reads and validates {@code train} (all fields optional). */
    public static TrainingOptions read(Spec train) {
        int epochs = train.integer("epochs", DEFAULT_EPOCHS, 0, 1_000_000);
        int batch = train.integer("batch", DEFAULT_BATCH, 1, 1 << 20);
        Spec opt = train.object("optimizer");
        opt.choice("kind", "sgd", "sgd");
        double lr = opt.number("lr", 0.1, Range.positive());
        double momentum = opt.number("momentum", 0.0, new Range(0, true, 1, false));
        return new TrainingOptions(epochs, batch, new Sgd.Options(lr, momentum));
    }
}
