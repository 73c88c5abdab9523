package io.layerwise.regularizers.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.regularizer.RegularizerType;
import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Regularizer {@code l1-activity}: {@code P = lambda * mean_b sum_j |y_bj|}, the L1 norm of the code averaged over
 * the batch; {@code lambda} defaults to 1e-3.
 */
@Component(service = Regularizer.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@RegularizerType("l1-activity")
public class L1ActivityRegularizer implements Regularizer {
    static final double DEFAULT_LAMBDA = 1e-3;

    @Override
    public Penalty configure(Spec params) {
        return new L1ActivityPenalty(params.number("lambda", DEFAULT_LAMBDA, Range.nonNegative()));
    }

    @Override
    public String describe() {
        return "lambda*mean_b ||y_b||_1 on the hidden activations (sparse codes); lambda >= 0, default "
                + DEFAULT_LAMBDA;
    }
}
