package io.layerwise.spark;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The MNIST sample (LAYERWISE_DATA, else ../shared beside the checkout) and a local Spark, for the tests. */
final class SparkTestData {
    private SparkTestData() {
    }

    static Path mnistDir() {
        String env = System.getenv("LAYERWISE_DATA");
        // else ../shared beside the checkout, as the other modules' tests find it (absolute: child JVMs run elsewhere)
        Path dir = (env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("layerwise.sample", "../../../shared/data/mnist-sample")))
                .toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("the Spark tests need the MNIST sample: set LAYERWISE_DATA to its folder ("
                    + dir + " does not exist)");
        }
        return dir;
    }

    /** The first {@code train} and {@code test} rows of the sample, read by the data bundle's own mnist source. */
    static Dataset mnist(int train, int test) throws IOException {
        Components c = Components.scan(SparkTestData.class.getClassLoader());
        String cls = c.find(DataSource.class, DataSource.TYPE, DataSource.NAME, "mnist");
        DataSource source = Components.create(cls, DataSource.class, SparkTestData.class.getClassLoader());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("source", "mnist");
        fields.put("dir", mnistDir().toString());
        fields.put("limit", (long) train);
        fields.put("testLimit", (long) test);
        return source.load(new Spec("data", fields));
    }

    static JavaSparkContext local(int threads) {
        SparkConf conf = new SparkConf().setMaster("local[" + threads + "]").setAppName("layerwise-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        return new JavaSparkContext(conf);
    }
}
