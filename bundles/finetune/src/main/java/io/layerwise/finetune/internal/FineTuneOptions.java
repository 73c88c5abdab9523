package io.layerwise.finetune.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.core.nn.Activation;
import io.layerwise.core.optim.OptimizerSpec;
import java.util.List;

/**
 * The training fields of a pipeline's {@code finetune} section (the engine reads {@code head}, {@code pretrain}
 * and {@code validation}): {@code hidden} (extra randomly initialised layers between the stack and the softmax,
 * default none), {@code activation} of those layers ("sigmoid"), {@code epochs} (30), {@code batch} (20) and
 * {@code optimizer} (as a stage's {@code train.optimizer}, see {@link OptimizerSpec}: default {@code sgd} with
 * {@code lr} 0.1, {@code momentum} 0, a constant rate).
 */
record FineTuneOptions(List<Integer> hidden, Activation activation, int epochs, int batch, OptimizerSpec optimizer) {

    FineTuneOptions {
        hidden = List.copyOf(hidden);
    }

    static FineTuneOptions read(Spec spec) {
        List<Integer> hidden = spec.integers("hidden", List.of(), 1, 1 << 16);
        Activation activation = Activation.fromJson(spec.choice("activation", "sigmoid", Activation.jsonNames()));
        return readTraining(spec, hidden, activation);
    }

    /** The training fields only (an unrolled autoencoder adds no layers of its own). */
    static FineTuneOptions readTraining(Spec spec) {
        return readTraining(spec, List.of(), Activation.SIGMOID);
    }

    private static FineTuneOptions readTraining(Spec spec, List<Integer> hidden, Activation activation) {
        int epochs = spec.integer("epochs", 30, 0, 1_000_000);
        int batch = spec.integer("batch", 20, 1, 1 << 20);
        return new FineTuneOptions(hidden, activation, epochs, batch, OptimizerSpec.read(spec.object("optimizer"), epochs));
    }
}
