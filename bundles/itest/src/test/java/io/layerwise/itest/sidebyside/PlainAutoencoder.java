package io.layerwise.itest.sidebyside;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.core.ae.AutoencoderSpec;
import io.layerwise.core.ae.AutoencoderStage;
import io.layerwise.core.ae.Corruption;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test bundle: a plain autoencoder stage, as model-ae builds it, of the type named by the bundle's header
 * {@value #TYPE_HEADER}. The same classes are installed twice, each bundle with a private core copy of its own, to
 * show which core each stage ran on.
 */
public final class PlainAutoencoder implements BundleActivator {
    public static final String TYPE_HEADER = "Layerwise-Test-Stage-Type";

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(StageProvider.TYPE, context.getBundle().getHeaders().get(TYPE_HEADER));
        context.registerService(StageProvider.class, new StageProvider() {
            @Override
            public Stage create(Spec spec, StageContext stageContext) {
                return AutoencoderStage.create(AutoencoderSpec.read(spec, stageContext), spec, stageContext,
                        Corruption.NONE);
            }

            @Override
            public String describe() {
                return "test: a plain autoencoder on this bundle's own copy of core";
            }
        }, props);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
