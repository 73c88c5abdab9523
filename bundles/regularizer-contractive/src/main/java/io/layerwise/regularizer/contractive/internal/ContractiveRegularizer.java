package io.layerwise.regularizer.contractive.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.regularizer.RegularizerType;
import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Regularizer {@code contractive} (Rifai et al., 2011): {@code P = lambda * mean_b ||J_f(x_b)||_F^2} for a sigmoid
 * encoder; {@code lambda} defaults to 0.1. Use: {@code "regularizers": [{"name": "contractive", "lambda": 0.1}]}.
 */
@Component(service = Regularizer.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@RegularizerType("contractive")
public class ContractiveRegularizer implements Regularizer {
    static final double DEFAULT_LAMBDA = 0.1;

    @Override
    public Penalty configure(Spec params) {
        return new ContractivePenalty(params.number("lambda", DEFAULT_LAMBDA, Range.nonNegative()));
    }

    @Override
    public String describe() {
        return "contractive: lambda*mean_b ||J_f(x_b)||_F^2 for a sigmoid encoder; lambda >= 0, default "
                + DEFAULT_LAMBDA;
    }
}
