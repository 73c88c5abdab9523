package io.layerwise.model.rbm.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.api.stage.StageType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Stage type {@code rbm}: a restricted Boltzmann machine with Bernoulli or unit-variance Gaussian visible units and
 * Bernoulli hidden units, trained by CD-k or PCD-k with a minibatch optimizer (SGD, Adam, ...). Its code is {@code p(h = 1 | v)}.
 */
@Component(service = StageProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@StageType("rbm")
public class RbmStageProvider implements StageProvider {

    @Override
    public Stage create(Spec spec, StageContext context) {
        return RbmStage.create(RbmSpec.read(spec, context), spec, context);
    }

    @Override
    public String describe() {
        return "restricted Boltzmann machine: bernoulli or gaussian (unit variance) visible units, CD-k or PCD-k,"
                + " SGD/momentum/Nesterov/Adam/RMSprop/AdaGrad";
    }
}
