package io.layerwise.engine.internal;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import java.util.Map;

/**
 * The engine's fields of a pipeline's {@code finetune} section: {@code unroll} (true: fine-tune the stack unrolled
 * into a deep autoencoder, head {@code autoencoder}), {@code head} (the fine-tuner service, default {@code softmax},
 * or {@code autoencoder} when unrolling), {@code pretrain} (false trains the same architecture from its random initialisation, the
 * honest comparison), {@code validation} (the fraction of training rows, taken from the end, held out for
 * {@code val_loss} and {@code val_error}; they take part in neither pretraining nor fine-tuning) and
 * {@code earlyStopping} ({@link EarlyStopping.Options}, monitoring {@code loss}, {@code val_loss} or
 * {@code val_error}; null when absent). The other fields belong to the head.
 */
record FineTuneSection(String head, boolean unroll, boolean pretrain, double validation,
        EarlyStopping.Options earlyStopping, Map<String, Object> raw) {

    static final String PATH = "finetune";

    /** Reads the engine's fields from a fresh spec of the section; the head reads the rest from the same spec. */
    static FineTuneSection read(Spec spec, Map<String, Object> raw) {
        boolean unroll = spec.flag("unroll", false);
        String head = spec.text("head", unroll ? "autoencoder" : "softmax");
        boolean pretrain = spec.flag("pretrain", true);
        double validation = spec.number("validation", 0.1, new Range(0, true, 0.5, false));
        EarlyStopping.Options stopping = EarlyStopping.Options.read(spec, EarlyStopping.FINETUNE_MONITORS,
                validation > 0, spec.pathOf("validation"));
        return new FineTuneSection(head, unroll, pretrain, validation, stopping, raw);
    }

    Spec spec() {
        return new Spec(PATH, raw);
    }

    /** Rows held out for validation out of {@code n} training rows. */
    int validationRows(int n) {
        return (int) Math.round(validation * n);
    }
}
