package io.layerwise.itest.throwing;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * A test bundle's activator (the bundle is assembled by {@link io.layerwise.itest.TestBundles}): two stage providers
 * whose {@code create} throws, so that tests can watch the engine name the stage and the bundle.
 * <ul>
 * <li>{@code throwing}: every call throws, so the pipeline fails while it is validated;</li>
 * <li>{@code throwing-later}: odd calls create an {@code ae} stage (through the installed ae provider), even calls
 * throw, so validation passes and the run fails when the stage starts.</li>
 * </ul>
 */
public final class ThrowingProviders implements BundleActivator {
    /** The message of what {@code create} throws. */
    public static final String MESSAGE = "deliberate failure in create";

    @Override
    public void start(BundleContext context) {
        register(context, "throwing", new StageProvider() {
            @Override
            public Stage create(Spec spec, StageContext stageContext) {
                throw new IllegalStateException(MESSAGE);
            }

            @Override
            public String describe() {
                return "test: create always throws";
            }
        });
        AtomicInteger calls = new AtomicInteger();
        register(context, "throwing-later", new StageProvider() {
            @Override
            public Stage create(Spec spec, StageContext stageContext) {
                if (calls.incrementAndGet() % 2 == 0) {
                    throw new IllegalStateException(MESSAGE);
                }
                ServiceReference<StageProvider> ae;
                try {
                    ae = context.getServiceReferences(StageProvider.class, "(" + StageProvider.TYPE + "=ae)").iterator()
                            .next();
                } catch (InvalidSyntaxException e) {
                    throw new AssertionError(e);
                }
                try {
                    return context.getService(ae).create(spec, stageContext);
                } finally {
                    context.ungetService(ae);
                }
            }

            @Override
            public String describe() {
                return "test: an ae whose every second create throws";
            }
        });
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the services
    }

    private static void register(BundleContext context, String type, StageProvider provider) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(StageProvider.TYPE, type);
        context.registerService(StageProvider.class, provider, props);
    }
}
