package io.layerwise.regularizers.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.regularizer.RegularizerType;
import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/** Regularizer {@code l1}: {@code P = lambda ||W||_1} on weight matrices; {@code lambda} defaults to 1e-4. */
@Component(service = Regularizer.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@RegularizerType("l1")
public class L1Regularizer implements Regularizer {
    static final double DEFAULT_LAMBDA = 1e-4;

    @Override
    public Penalty configure(Spec params) {
        return new L1Penalty(params.number("lambda", DEFAULT_LAMBDA, Range.nonNegative()));
    }

    @Override
    public String describe() {
        return "lambda*||W||_1 on weight matrices (sparse weights); lambda >= 0, default " + DEFAULT_LAMBDA;
    }
}
