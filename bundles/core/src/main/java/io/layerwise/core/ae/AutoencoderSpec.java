package io.layerwise.core.ae;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.StageContext;
import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.Architecture;
import io.layerwise.core.nn.Loss;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields an autoencoder stage shares with its variants, read and validated from the stage's JSON:
 * {@code hidden} (500), {@code tied} (true), {@code encoder} ("sigmoid"), {@code decoder} ("sigmoid" for unit
 * input, else "identity"), {@code loss} ("cross-entropy" for unit input, else "squared"), {@code train} (see
 * {@link TrainingOptions}, full-batch optimizers allowed) and {@code regularizers} (each resolved through
 * {@link StageContext#penalty}; with a full-batch optimizer none may depend on earlier minibatches).
 */
public record AutoencoderSpec(Architecture architecture, TrainingOptions training, List<Penalty> penalties) {

    public static final int DEFAULT_HIDDEN = 500;

    public AutoencoderSpec {
        penalties = List.copyOf(penalties);
    }

    /** Reads the shared fields; a bad value throws a {@link SpecException} naming its JSON path. */
    public static AutoencoderSpec read(Spec spec, StageContext context) {
        boolean unit = Dataset.UNIT.equals(context.inputRange());
        int hidden = spec.integer("hidden", DEFAULT_HIDDEN, 1, 1 << 20);
        boolean tied = spec.flag("tied", true);
        Activation encoder = Activation.fromJson(spec.choice("encoder", "sigmoid", Activation.jsonNames()));
        Activation decoder = Activation.fromJson(
                spec.choice("decoder", unit ? "sigmoid" : "identity", Activation.jsonNames()));
        Loss loss = Loss.fromJson(spec.choice("loss", unit ? "cross-entropy" : "squared", Loss.jsonNames()));
        if (loss == Loss.CROSS_ENTROPY && decoder != Activation.SIGMOID) {
            throw new SpecException(spec.pathOf("loss"), "\"cross-entropy\" needs decoder \"sigmoid\", got decoder \""
                    + decoder.jsonName() + "\"; use loss \"squared\" or decoder \"sigmoid\"");
        }
        if (loss == Loss.CROSS_ENTROPY && !unit) {
            throw new SpecException(spec.pathOf("loss"), "\"cross-entropy\" needs inputs in [0, 1], but this stage's"
                    + " input range is \"" + context.inputRange() + "\"; use loss \"squared\"");
        }
        TrainingOptions training = TrainingOptions.read(spec.object("train"), true);
        List<Penalty> penalties = new ArrayList<>();
        for (Spec r : spec.objects("regularizers")) {
            Penalty p = context.penalty(r);
            if (training.fullBatch() && p.dependsOnEarlierBatches()) {
                throw new SpecException(r.path(), p.describe() + " depends on earlier minibatches (a running"
                        + " average), but optimizer \"" + training.optimizer().options().kind() + "\" evaluates the"
                        + " objective several times per iteration and needs a function of the parameters alone;"
                        + " configure it on the current batch only (kl-sparsity: \"lambda\": 0)");
            }
            penalties.add(p);
        }
        Architecture arch = new Architecture(context.inputSize(), hidden, tied, encoder, decoder, loss);
        return new AutoencoderSpec(arch, training, penalties);
    }

    /**
     * Logs a warning through {@code context} when this autoencoder can learn the identity map: at least as many
     * hidden units as inputs, no regularizer, and no corruption of its input.
     *
     * @param corrupted whether the encoder sees a corrupted input (a denoising autoencoder with a noise level above 0)
     * @return whether it warned
     */
    public boolean warnIfIdentityIsLearnable(Spec spec, StageContext context, boolean corrupted) {
        int hidden = architecture.hidden();
        if (hidden < architecture.inputs() || !penalties.isEmpty() || corrupted) {
            return false;
        }
        context.log("warning: " + spec.pathOf("hidden") + " = " + hidden + " >= " + architecture.inputs()
                + " inputs with no regularizer" + (spec.has("noise") ? " and no noise" : "") + ": this autoencoder can"
                + " learn the identity map; use fewer hidden units, a regularizer, or noise");
        return true;
    }
}
