package io.layerwise.model.sparse.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.api.stage.StageType;
import io.layerwise.core.ae.AutoencoderSpec;
import io.layerwise.core.ae.AutoencoderStage;
import io.layerwise.core.ae.Corruption;
import io.layerwise.core.nn.Activation;
import io.layerwise.core.optim.OptimizerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Stage type {@code sparse-ae}: the autoencoder of {@code io.layerwise.core.ae} with a sparsity penalty on its code,
 * by default {@code kl-sparsity} with {@code rho = 0.05, beta = 0.1, lambda = 0.9}:
 * {@code E~ = E + beta sum_j KL(rho || rho^_j)} (textbook eq. 5.4). Over-complete codes (hidden > inputs) are the
 * point, not a mistake: the penalty keeps them from learning the identity. An explicit {@code regularizers} list
 * replaces the default; kl-sparsity needs activations in (0, 1), so it takes the sigmoid encoder. Trained by
 * {@code lbfgs}, the default kl-sparsity takes {@code lambda = 0}: the penalty on the whole batch's mean activation.
 */
@Component(service = StageProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@StageType("sparse-ae")
public class SparseAeStageProvider implements StageProvider {
    static final String KL = "kl-sparsity";

    /** The regularizers of a stage that names none. */
    static List<Map<String, Object>> defaultRegularizers() {
        return defaultRegularizers(false);
    }

    /**
     * The regularizers of a stage that names none; with a full-batch optimizer kl-sparsity takes the batch's own mean
     * ({@code lambda} 0), the only form such an optimizer can use.
     */
    static List<Map<String, Object>> defaultRegularizers(boolean fullBatch) {
        Map<String, Object> kl = new LinkedHashMap<>();
        kl.put("name", KL);
        kl.put("rho", 0.05);
        kl.put("beta", 0.1);
        kl.put("lambda", fullBatch ? 0.0 : 0.9);
        return new ArrayList<>(List.of(kl));
    }

    @Override
    public Stage create(Spec spec, StageContext context) {
        if (!spec.has("regularizers")) {
            Object kind = spec.object("train").object("optimizer").raw("kind");
            boolean fullBatch = kind instanceof String k && OptimizerSpec.OBJECTIVE_KINDS.contains(k);
            spec.set("regularizers", defaultRegularizers(fullBatch));
        }
        AutoencoderSpec ae = AutoencoderSpec.read(spec, context);
        if (ae.architecture().encoder() != Activation.SIGMOID) {
            for (Spec r : spec.objects("regularizers")) {
                if (KL.equals(r.text("name", null))) {
                    throw new SpecException(spec.pathOf("encoder"), "must be \"sigmoid\" with " + KL + " ("
                            + r.path() + "), which needs activations in (0, 1); got \""
                            + ae.architecture().encoder().jsonName() + "\"");
                }
            }
        }
        ae.warnIfIdentityIsLearnable(spec, context, false);
        return AutoencoderStage.create(ae, spec, context, Corruption.NONE);
    }

    @Override
    public String describe() {
        return "sparse autoencoder: kl-sparsity on the mean hidden activations (default rho 0.05, beta 0.1,"
                + " lambda 0.9), over-complete allowed, tied or untied,"
                + " SGD/momentum/Nesterov/Adam/RMSprop/AdaGrad, or full-batch L-BFGS (then lambda 0)";
    }
}
