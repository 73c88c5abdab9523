package io.layerwise.itest.faulty;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import java.util.Hashtable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test bundle's activator (the bundle is assembled from these classes by {@link io.layerwise.itest.TestBundles}):
 * registers three misbehaving regularizers, so that tests can watch the engine cope with them in a real framework.
 * <ul>
 * <li>{@code throwing}: onHidden throws;</li>
 * <li>{@code nan}: onHidden returns NaN;</li>
 * <li>{@code poison}: after {@code after} minibatches, writes NaN into the hidden delta (the penalty itself stays 0),
 * so the weights and then the loss turn NaN: a stage that diverges.</li>
 * </ul>
 */
public final class FaultyRegularizers implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        register(context, "throwing", spec -> new Faulty("throwing()") {
            @Override
            public double onHidden(INDArray hidden, INDArray gradHidden) {
                throw new IllegalStateException("deliberate failure in the test");
            }
        });
        register(context, "nan", spec -> new Faulty("nan()") {
            @Override
            public double onHidden(INDArray hidden, INDArray gradHidden) {
                return Double.NaN;
            }
        });
        register(context, "poison", spec -> {
            int after = spec.integer("after", 1, 0, Integer.MAX_VALUE);
            return new Faulty("poison(after=" + after + ")") {
                private int calls;

                @Override
                public double onHidden(INDArray hidden, INDArray gradHidden) {
                    if (calls++ >= after) {
                        gradHidden.assign(Double.NaN);
                    }
                    return 0;
                }
            };
        });
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the services
    }

    private static void register(BundleContext context, String name, java.util.function.Function<Spec, Penalty> make) {
        Hashtable<String, Object> props = new Hashtable<>();
        // poison registers the way bundles built before api 1.4 do, so its test shows the engine still finds them
        props.put("poison".equals(name) ? Regularizer.NAME : Regularizer.TYPE, name);
        context.registerService(Regularizer.class, new Regularizer() {
            @Override
            public Penalty configure(Spec params) {
                return make.apply(params);
            }

            @Override
            public String describe() {
                return "misbehaves on purpose (integration tests)";
            }
        }, props);
    }

    private abstract static class Faulty implements Penalty {
        private final String description;

        Faulty(String description) {
            this.description = description;
        }

        @Override
        public String describe() {
            return description;
        }
    }
}
