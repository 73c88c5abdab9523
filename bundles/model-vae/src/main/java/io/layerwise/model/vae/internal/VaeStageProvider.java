package io.layerwise.model.vae.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.api.stage.StageType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Stage type {@code vae}: a variational autoencoder with an MLP encoder to a Gaussian q(z|x), the reparameterised
 * sample, an MLP decoder and a Bernoulli or Gaussian likelihood, trained on the negative ELBO. Its code is the
 * posterior mean.
 */
@Component(service = StageProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@StageType("vae")
public class VaeStageProvider implements StageProvider {

    @Override
    public Stage create(Spec spec, StageContext context) {
        return VaeStage.create(VaeSpec.read(spec, context), spec, context);
    }

    @Override
    public String describe() {
        return "variational autoencoder: MLP encoder to Gaussian q(z|x), bernoulli or gaussian likelihood, negative ELBO,"
                + " beta and KL warm-up, importance-weighted log-likelihood";
    }
}
