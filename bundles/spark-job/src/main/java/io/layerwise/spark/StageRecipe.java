package io.layerwise.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import java.io.Serializable;
import java.util.Map;

/**
 * What an executor needs to create a pipeline stage with the model bundle's own provider: the provider's class, the
 * stage's JSON, the regularizers' classes by name, and the context the engine would give (input width and range,
 * seed). Serializable, so it travels inside Spark's task closures; nothing in it refers to the driver.
 *
 * @param path         the stage's JSON path, {@code stages[i]}, for messages
 * @param regularizers regularizer name to implementation class, for {@link StageContext#penalty}
 */
public record StageRecipe(String path, String type, String providerClass, String specJson,
        Map<String, String> regularizers, int inputSize, String inputRange, long seed, int rows) implements Serializable {
    static final Gson GSON = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();

    /** The stage as a fresh provider creates it, its random streams seeded with {@code seed}. */
    public Stage create(long seed) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        StageProvider provider = Components.create(providerClass, StageProvider.class, loader);
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = GSON.fromJson(specJson, Map.class);
        return provider.create(new Spec(path, fields), new PlainContext(seed, loader));
    }

    /** The stage created with its pipeline seed, as the single-machine engine creates it. */
    public Stage create() {
        return create(seed);
    }

    /** The engine's StageContext without the framework: regularizers by class, log lines to stdout. */
    private final class PlainContext implements StageContext {
        private final long stageSeed;
        private final ClassLoader loader;

        PlainContext(long stageSeed, ClassLoader loader) {
            this.stageSeed = stageSeed;
            this.loader = loader;
        }

        @Override
        public int inputSize() {
            return inputSize;
        }

        @Override
        public String inputRange() {
            return inputRange;
        }

        @Override
        public long seed() {
            return stageSeed;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public Penalty penalty(Spec spec) {
            String name = spec.text("name", null);
            String cls = regularizers.get(name);
            if (cls == null) {
                throw new SpecException(spec.pathOf("name"), "\"" + name + "\" is not a regularizer on the job's class"
                        + " path; there: " + (regularizers.isEmpty() ? "none" : String.join(", ",
                                new java.util.TreeSet<>(regularizers.keySet()))));
            }
            return Components.create(cls, Regularizer.class, loader).configure(spec);
        }

        @Override
        public void log(String message) {
            System.out.println("layerwise: " + path + ": " + message);
        }
    }
}
