package io.layerwise.itest.legacy;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import java.util.Hashtable;
import java.util.Random;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A test bundle registered the way data-source bundles built before api 1.2 are: under {@code layerwise.data.name}
 * ({@link DataSource#NAME}), not the key {@code @DataSourceType} sets. Source {@code legacy-rows}: 40 training and 10
 * test rows of 4 values in [0, 1).
 */
public final class LegacySource implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(DataSource.NAME, "legacy-rows");
        context.registerService(DataSource.class, new DataSource() {
            @Override
            public void validate(Spec spec) {
                // no fields
            }

            @Override
            public Dataset load(Spec spec) {
                return new Dataset("legacy rows", rows(40, 1), null, rows(10, 2), null, Dataset.UNIT);
            }

            @Override
            public String describe() {
                return "rows registered under the old key (integration tests)";
            }
        }, props);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }

    private static FloatMatrix rows(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return new FloatMatrix(n, 4, v);
    }
}
