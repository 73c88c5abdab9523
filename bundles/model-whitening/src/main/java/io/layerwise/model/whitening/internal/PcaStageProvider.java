package io.layerwise.model.whitening.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.api.stage.StageType;
import io.layerwise.model.whitening.internal.WhiteningOptions.Kind;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Stage type {@code pca}: PCA whitening {@code y = (D_k + eps I)^(-1/2) E_k^T (x - mu)} onto the k leading
 * principal components, fitted in one pass. Fields: {@code epsilon} (default 0.1), and {@code components} (k, default
 * all) or {@code retainedVariance} (keep the fewest components holding that fraction of the variance), and
 * {@code eigensolver} ({@link WhiteningOptions.Eigensolver}).
 */
@Component(service = StageProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@StageType("pca")
public class PcaStageProvider implements StageProvider {

    @Override
    public Stage create(Spec spec, StageContext context) {
        WhiteningOptions options = WhiteningOptions.read(spec, Kind.PCA, context.inputSize());
        return new WhiteningStage(options, context.inputSize(), spec.pathOf("epsilon"), context::log);
    }

    @Override
    public String describe() {
        return "PCA whitening P = (D_k + eps I)^(-1/2) E_k^T, fitted in one pass; epsilon >= 0 (default "
                + WhiteningOptions.DEFAULT_EPSILON + "), components k or retainedVariance in (0, 1],"
                + " eigensolver auto|float32|float64";
    }
}
