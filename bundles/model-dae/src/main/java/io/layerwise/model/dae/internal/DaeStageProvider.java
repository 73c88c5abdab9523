package io.layerwise.model.dae.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.api.stage.StageType;
import io.layerwise.core.ae.AutoencoderSpec;
import io.layerwise.core.ae.AutoencoderStage;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Stage type {@code dae}: a denoising autoencoder (Vincent et al., 2008). The encoder sees a corrupted
 * {@code x~ = c(x)}; the loss compares the reconstruction with the clean {@code x}. Everything but the corruption
 * is the shared autoencoder of {@code io.layerwise.core.ae}. With a noise level of 0, no regularizer and at least as
 * many hidden units as inputs it can learn the identity; create() logs a warning then.
 */
@Component(service = StageProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@StageType("dae")
public class DaeStageProvider implements StageProvider {

    @Override
    public Stage create(Spec spec, StageContext context) {
        AutoencoderSpec ae = AutoencoderSpec.read(spec, context);
        NoiseOptions noise = NoiseOptions.read(spec.object("noise"));
        ae.warnIfIdentityIsLearnable(spec, context, noise.amount() > 0);
        return AutoencoderStage.create(ae, spec, context, noise.corruption(context.seed()));
    }

    @Override
    public String describe() {
        return "denoising autoencoder: noise mask|gaussian|salt-and-pepper, tied or untied, sigmoid/tanh/relu/identity,"
                + " cross-entropy or squared error,"
                + " SGD/momentum/Nesterov/Adam/RMSprop/AdaGrad";
    }
}
