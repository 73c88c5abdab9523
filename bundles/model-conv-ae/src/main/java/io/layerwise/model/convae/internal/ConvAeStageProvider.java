package io.layerwise.model.convae.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.api.stage.StageType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Stage type {@code conv-ae}: a convolutional autoencoder whose encoder and decoder are layer lists in the stage's
 * JSON (conv, conv-transpose, max-pool, batch-norm, dense, flatten, reshape, activations); its code is the encoder's
 * output.
 */
@Component(service = StageProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@StageType("conv-ae")
public class ConvAeStageProvider implements StageProvider {

    @Override
    public Stage create(Spec spec, StageContext context) {
        return ConvAeStage.create(ConvAeSpec.read(spec, context), context);
    }

    @Override
    public String describe() {
        return "convolutional autoencoder: encoder and decoder layer lists (conv, conv-transpose, max-pool, batch-norm,"
                + " dense, reshape, activations), squared error or cross-entropy, weight decay";
    }
}
