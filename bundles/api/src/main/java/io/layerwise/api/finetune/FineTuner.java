package io.layerwise.api.finetune;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.DenseLayer;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Builds a supervised network on a pretrained stack: the stages' encoder layers, then the head's own layers.
 * Registered with {@link #TYPE} (most easily with {@link HeadType}); a pipeline's {@code finetune.head} names it,
 * and the engine looks it up when fine-tuning starts.
 */
@ConsumerType
public interface FineTuner {
    /**
     * Service property: the name a pipeline uses in {@code finetune.head}, e.g. {@code "softmax"}, as
     * {@link HeadType} sets it.
     *
     * @since 1.1
     */
    String TYPE = "layerwise.finetune.head.type";

    /**
     * Service property of registrations made before 1.1; still honoured wherever heads are looked up, so bundles
     * built then keep working.
     */
    String HEAD = "layerwise.finetune.head";

    /**
     * Reads the {@code finetune} section's training fields from {@code spec} (throwing
     * {@link io.layerwise.api.spec.SpecException} with the JSON path) and builds the network, copying
     * {@code encoders} as its first layers. Cheap enough to call just to validate a pipeline.
     *
     * @param decoders each stage's {@link io.layerwise.api.stage.Stage#decoderLayer()} (entries may be null), for
     *                 heads that unroll the stack into a deep autoencoder
     * @param classes  number of labels (outputs of a classifying head); 0 when the data has no labels
     */
    Network create(Spec spec, List<DenseLayer> encoders, List<DenseLayer> decoders, int inputs, int classes, long seed);

    /** One line for listings. */
    String describe();
}
