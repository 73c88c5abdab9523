package io.layerwise.itest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerwise.launcher.Platform;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.osgi.framework.BundleContext;

/**
 * One embedded Felix framework of the assembled distribution for a test class: started before its first test in a
 * fresh work folder (the framework's {@code layerwise.cwd}; FileInstall watches {@code work/deploy}, so bundles a
 * developer deployed into runtime/deploy stay out of the tests), stopped after its last, and the folder deleted.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();
 * ... felix.platform(), felix.context(), felix.work()
 * }</pre>
 *
 * A static field (in a {@code @Nested} class too): its callbacks run before the class's own {@code @BeforeAll}
 * methods, which may then install test bundles into the running framework. The {@code @Nested} classes of the class
 * that holds it share its framework.
 */
final class EmbeddedFelix implements BeforeAllCallback, AfterAllCallback {
    /** Prepares the work folder before the framework starts, and may set framework properties that depend on it. */
    @FunctionalInterface
    interface Setup {
        void prepare(Path work, Map<String, String> properties) throws Exception;
    }

    private final List<Setup> setups = new ArrayList<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<Runnable> afterStop = new ArrayList<>();
    private Path work;
    private Platform platform;
    /** The unique id of the class that started the framework: its @Nested classes inherit the extension. */
    private String owner;

    private EmbeddedFelix() {
    }

    /** A framework with no data directory set: the test's setup names one, or its pipelines need none. */
    static EmbeddedFelix plain() {
        return new EmbeddedFelix();
    }

    /** A framework whose MNIST source reads a synthetic IDX set of 300 training and 100 test images in work/data. */
    static EmbeddedFelix withSyntheticMnist() {
        return withSyntheticMnist(300, 100);
    }

    /** A framework whose MNIST source reads a synthetic IDX set of the given sizes in work/data. */
    static EmbeddedFelix withSyntheticMnist(int train, int test) {
        return plain().setUp((work, props) ->
                props.put("layerwise.data.dir", SyntheticMnist.write(work.resolve("data"), train, test).toString()));
    }

    /** A framework reading the shared MNIST sample; the class's tests are skipped where the sample is absent. */
    static EmbeddedFelix withMnistSample() {
        Path sample = MnistReferenceIT.SAMPLE;
        return plain().setUp((work, props) -> {
            assumeTrue(Files.exists(sample.resolve("train-images-idx3-ubyte.gz")), "no MNIST sample at " + sample);
            props.put("layerwise.data.dir", sample.toAbsolutePath().toString());
        });
    }

    /** A further framework property. */
    EmbeddedFelix property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** A further preparation, run after the ones before it. */
    EmbeddedFelix setUp(Setup setup) {
        setups.add(setup);
        return this;
    }

    /** Run after the framework has stopped (restoring what a setup changed), before the folder is deleted. */
    EmbeddedFelix afterStop(Runnable action) {
        afterStop.add(action);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (owner != null) {
            return; // a @Nested class of the one that started it: the same framework
        }
        owner = context.getUniqueId();
        work = Files.createTempDirectory("layerwise-it-");
        Map<String, String> props = new HashMap<>();
        props.put("layerwise.cwd", work.toString());
        props.put("felix.fileinstall.dir", Files.createDirectories(work.resolve("deploy")).toString());
        for (Setup s : setups) {
            s.prepare(work, props);
        }
        props.putAll(properties);
        platform = Platform.start(PlatformIT.DIST, props);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(owner)) {
            return;
        }
        owner = null;
        try {
            if (platform != null) {
                platform.stop();
            }
        } finally {
            platform = null;
            afterStop.forEach(Runnable::run);
            if (work != null) {
                try {
                    delete(work);
                } catch (IOException e) {
                    // a temporary folder: a file a test left unremovable must not fail the class's tests
                    System.err.println("EmbeddedFelix: could not delete " + work + ": " + e);
                }
            }
        }
    }

    Platform platform() {
        if (platform == null) {
            throw new IllegalStateException("the framework runs only while the test class does (a static field?)");
        }
        return platform;
    }

    BundleContext context() {
        return platform().context();
    }

    /** The framework's working directory. */
    Path work() {
        return work;
    }

    private static void delete(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
