package io.layerwise.regularizers.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.regularizer.RegularizerType;
import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Regularizer {@code l2}: weight decay {@code P = (lambda/2) ||W||^2} on the encoder weights; {@code lambda} defaults
 * to 1e-4; {@code "decoder": true} decays an untied autoencoder's decoder weights too (default false).
 */
@Component(service = Regularizer.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@RegularizerType("l2")
public class L2Regularizer implements Regularizer {
    static final double DEFAULT_LAMBDA = 1e-4;

    @Override
    public Penalty configure(Spec params) {
        return new L2Penalty(params.number("lambda", DEFAULT_LAMBDA, Range.nonNegative()), params.flag("decoder", false));
    }

    @Override
    public String describe() {
        return "weight decay (lambda/2)*||W||^2 on the encoder weights (decoder: true adds an untied decoder's);"
                + " lambda >= 0, default " + DEFAULT_LAMBDA;
    }
}
