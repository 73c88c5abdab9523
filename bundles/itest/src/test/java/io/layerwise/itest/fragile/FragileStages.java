package io.layerwise.itest.fragile;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Picture;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.core.ae.AutoencoderSpec;
import io.layerwise.core.ae.AutoencoderStage;
import io.layerwise.core.ae.Corruption;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test bundle: a provider of stage type {@code fragile}, a plain autoencoder that throws an {@link Error} where its
 * pipeline says, so that tests can watch a job end on one. Its own fields: {@code error}, the simple name of the
 * Error ({@code OutOfMemoryError}, {@code NoClassDefFoundError}, {@code AssertionError}), and {@code in}, where:
 * {@code pictures} (while the engine draws the stage's pictures) or {@code training} (the third minibatch).
 */
public final class FragileStages implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(StageProvider.TYPE, "fragile");
        context.registerService(StageProvider.class, new StageProvider() {
            @Override
            public Stage create(Spec spec, StageContext stageContext) {
                String error = spec.text("error", "AssertionError");
                String in = spec.text("in", "pictures");
                return new AutoencoderStage(AutoencoderSpec.read(spec, stageContext), stageContext.seed(), Corruption.NONE) {
                    @Override
                    public double trainBatch(int batch) {
                        if (in.equals("training") && batch == 2) {
                            throw error(error);
                        }
                        return super.trainBatch(batch);
                    }

                    @Override
                    public List<Picture> pictures(FloatMatrix heldOut) {
                        if (in.equals("pictures")) {
                            throw error(error);
                        }
                        return super.pictures(heldOut);
                    }
                };
            }

            @Override
            public String describe() {
                return "test: an autoencoder that throws an Error on purpose";
            }
        }, props);
    }

    @Override
    public void stop(BundleContext context) {
    }

    static Error error(String kind) {
        return switch (kind) {
            case "OutOfMemoryError" -> new OutOfMemoryError("Java heap space (thrown on purpose by a test)");
            case "NoClassDefFoundError" -> new NoClassDefFoundError("io/layerwise/itest/fragile/Gone");
            default -> new AssertionError("thrown on purpose by a test");
        };
    }
}
