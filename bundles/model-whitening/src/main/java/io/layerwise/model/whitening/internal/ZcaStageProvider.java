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
 * Stage type {@code zca}: ZCA whitening {@code y = E (D + eps I)^(-1/2) E^T (x - mu)}, fitted in one pass. The
 * output stays in input space (n values) with decorrelated, equalised variances: edges stand out. Fields:
 * {@code epsilon} (default 0.1) and {@code eigensolver} ({@code auto}, {@code float32} or {@code float64}; see
 * {@link WhiteningOptions.Eigensolver}).
 */
@Component(service = StageProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@StageType("zca")
public class ZcaStageProvider implements StageProvider {

    @Override
    public Stage create(Spec spec, StageContext context) {
        WhiteningOptions options = WhiteningOptions.read(spec, Kind.ZCA, context.inputSize());
        return new WhiteningStage(options, context.inputSize(), spec.pathOf("epsilon"), context::log);
    }

    @Override
    public String describe() {
        return "ZCA whitening P = E (D + eps I)^(-1/2) E^T, fitted in one pass; epsilon >= 0 (default "
                + WhiteningOptions.DEFAULT_EPSILON + "), eigensolver auto|float32|float64";
    }
}
