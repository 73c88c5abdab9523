package io.layerwise.regularizers.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.regularizer.RegularizerType;
import io.layerwise.api.spec.Spec;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Regularizer {@code kl-sparsity}: {@code P = beta sum_j KL(rho || rho^_j)} with a running estimate {@code rho^} of
 * each hidden unit's mean activation (see {@link KlSparsityPenalty}).
 */
@Component(service = Regularizer.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@RegularizerType("kl-sparsity")
public class KlSparsityRegularizer implements Regularizer {

    @Override
    public Penalty configure(Spec params) {
        return new KlSparsityPenalty(KlSparsityOptions.read(params));
    }

    @Override
    public String describe() {
        return "beta*sum_j KL(rho||rho^_j), rho^_j a running mean activation (decay lambda); defaults rho "
                + KlSparsityOptions.DEFAULT_RHO + ", beta " + KlSparsityOptions.DEFAULT_BETA + ", lambda "
                + KlSparsityOptions.DEFAULT_LAMBDA + ", epsilon " + KlSparsityOptions.DEFAULT_EPSILON;
    }
}
