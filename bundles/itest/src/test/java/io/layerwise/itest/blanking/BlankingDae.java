package io.layerwise.itest.blanking;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.core.ae.AutoencoderSpec;
import io.layerwise.core.ae.AutoencoderStage;
import io.layerwise.core.ae.Corruption;
import java.util.Hashtable;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test bundle: a provider of stage type {@code dae} whose behaviour is visibly different from model-dae's: it
 * ignores the {@code noise} level and blanks every input, so its reconstructions can only be the biases' average
 * image and its training loss climbs far above a denoising autoencoder's. It takes over a DAE's checkpoint,
 * generator state included.
 */
public final class BlankingDae implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(StageProvider.TYPE, "dae");
        context.registerService(StageProvider.class, new StageProvider() {
            @Override
            public Stage create(Spec spec, StageContext stageContext) {
                AutoencoderSpec ae = AutoencoderSpec.read(spec, stageContext);
                Spec noise = spec.object("noise");
                noise.fieldNames().forEach(noise::raw); // accepted, and ignored
                return new AutoencoderStage(ae, stageContext.seed(), new Blank());
            }

            @Override
            public String describe() {
                return "test: a dae that blanks its whole input";
            }
        }, props);
    }

    @Override
    public void stop(BundleContext context) {
    }

    /** Every input zeroed; accepts the generator state a real DAE saved. */
    static final class Blank implements Corruption {
        @Override
        public INDArray apply(INDArray clean, INDArray out) {
            return out.assign(0);
        }

        @Override
        public void restoreState(Map<String, Long> state) {
        }
    }
}
