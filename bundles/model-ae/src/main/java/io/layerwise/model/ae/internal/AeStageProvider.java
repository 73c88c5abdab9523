package io.layerwise.model.ae.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.api.stage.StageType;
import io.layerwise.core.ae.AutoencoderSpec;
import io.layerwise.core.ae.AutoencoderStage;
import io.layerwise.core.ae.Corruption;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Stage type {@code ae}: the plain autoencoder {@code y = f(x W + bh)}, {@code z = g(y W' + bv)}, trained to
 * reconstruct its input. Without a bottleneck or a regularizer it can learn the identity; create() logs a
 * warning then.
 */
@Component(service = StageProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@StageType("ae")
public class AeStageProvider implements StageProvider {

    @Override
    public Stage create(Spec spec, StageContext context) {
        AutoencoderSpec ae = AutoencoderSpec.read(spec, context);
        int hidden = ae.architecture().hidden();
        if (hidden >= context.inputSize() && ae.penalties().isEmpty()) {
            context.log("warning: " + spec.pathOf("hidden") + " = " + hidden + " >= " + context.inputSize()
                    + " inputs with no regularizer: this autoencoder can learn the identity map; use fewer hidden"
                    + " units, a regularizer, or a dae stage");
        }
        return AutoencoderStage.create(ae, spec, context, Corruption.NONE);
    }

    @Override
    public String describe() {
        return "autoencoder: tied or untied, sigmoid/tanh/relu/identity, cross-entropy or squared error,"
                + " SGD/momentum/Nesterov/Adam/RMSprop/AdaGrad";
    }
}
