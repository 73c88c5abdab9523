package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import io.layerwise.itest.sidebyside.PlainAutoencoder;
import io.layerwise.launcher.Platform;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Issue #16: model, fine-tuning and regularizer bundles import the API, ND4J, OSGi and the JDK only; the shared model
 * code of {@code core} is built into each of them privately, so a model bundle updates alone, and two model bundles
 * built against different core versions run side by side in one framework.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateCoreIT {
    /** Every bundle that once imported core, or might: the model, fine-tuning and regularizer bundles. */
    static final List<String> PLUGIN_BUNDLES = List.of("io.layerwise.model-ae", "io.layerwise.model-dae",
            "io.layerwise.model-sparse-ae", "io.layerwise.model-rbm", "io.layerwise.model-vae",
            "io.layerwise.model-whitening", "io.layerwise.finetune", "io.layerwise.regularizers",
            "io.layerwise.regularizer-contractive");

    /**
     * The packages (and their subpackages) a plug-in bundle may import: the API, ND4J with the JavaCPP and OpenBLAS
     * bindings that core's Level1/Level3 call, the OSGi framework and DS, and the JDK (ImageIO for the pictures).
     */
    static final List<String> ALLOWED_IMPORTS = List.of("io.layerwise.api", "org.nd4j", "org.bytedeco.javacpp",
            "org.bytedeco.openblas", "org.osgi.framework", "org.osgi.service.component", "java", "javax.imageio");

    static final String PIPELINE = """
            {"name": "side", "seed": 23, "data": {"source": "mnist"},
             "stages": [{"type": "TYPE", "hidden": 16,
                         "train": {"epochs": 40, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1, "momentum": 0.5}}}]}
            """;

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();
    Platform platform;
    Path work;

    @BeforeAll
    void start() throws Exception {
        platform = felix.platform();
        work = felix.work();
        String contractive = System.getProperty("layerwise.contractive.jar");
        assertNotNull(contractive, "system property layerwise.contractive.jar (set by the itest pom)");
        platform.context().installBundle(Path.of(contractive).toUri().toString()).start();
    }

    @Test
    void noBundleOfTheDistributionIsOrExportsCore() {
        for (Bundle b : platform.context().getBundles()) {
            assertTrue(!"io.layerwise.core".equals(b.getSymbolicName()), "core is installed as a bundle: " + b);
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleCapability c : wiring.getCapabilities("osgi.wiring.package")) {
                String pkg = (String) c.getAttributes().get("osgi.wiring.package");
                assertTrue(!pkg.startsWith("io.layerwise.core"), b.getSymbolicName() + " exports " + pkg);
            }
        }
    }

    @Test
    void pluginBundlesImportOnlyTheApiNd4jOsgiAndTheJdkAndCarryCoreThemselves() {
        for (String name : PLUGIN_BUNDLES) {
            Bundle b = bundle(name);
            assertEquals(List.of(), forbiddenImports(b), name + " imports packages outside " + ALLOWED_IMPORTS);
        }
        // a model bundle added later is held to the same rule without being listed
        for (Bundle b : platform.context().getBundles()) {
            if (b.getSymbolicName().startsWith("io.layerwise.model-")) {
                assertEquals(List.of(), forbiddenImports(b), b.getSymbolicName() + " imports packages outside "
                        + ALLOWED_IMPORTS);
            }
        }
        for (String name : List.of("io.layerwise.model-ae", "io.layerwise.model-dae", "io.layerwise.model-rbm",
                "io.layerwise.model-vae", "io.layerwise.model-conv-ae", "io.layerwise.finetune",
                "io.layerwise.regularizers")) {
            assertNotNull(bundle(name).getEntry("io/layerwise/core/nn/Level3.class"), name + " carries core's Level3");
        }
    }

    @Test
    void updatingModelDaeRefreshesNoOtherBundleAndTheNewBuildTrains() throws Exception {
        Bundle dae = bundle("io.layerwise.model-dae");
        Path jar = PlatformIT.DIST.resolve("bundle").resolve(Path.of(dae.getLocation().replaceFirst("^.*/", "")));
        Set<String> stopped = new HashSet<>();
        BundleListener listener = e -> {
            if (e.getType() == BundleEvent.STOPPED) {
                stopped.add(e.getBundle().getSymbolicName());
            }
        };
        platform.context().addBundleListener(listener);
        try {
            dae.update(new ByteArrayInputStream(PlatformIT.withVersion(Files.readAllBytes(jar), "9.9.9")));
            FrameworkWiring wiring = platform.context().getBundle(0).adapt(FrameworkWiring.class);
            assertEquals(Set.of(dae), Set.copyOf(wiring.getDependencyClosure(Set.of(dae))),
                    "the bundles an update of model-dae refreshes");
            PlatformIT.refresh(platform, dae);
        } finally {
            platform.context().removeBundleListener(listener);
        }
        assertEquals(Set.of("io.layerwise.model-dae"), stopped, "bundles stopped by the update and refresh");
        assertEquals(Bundle.ACTIVE, dae.getState());
        Set<String> providers = new TreeSet<>();
        for (BundleWire w : dae.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            providers.add(w.getProvider().getBundle().getSymbolicName());
        }
        assertEquals(Set.of("io.layerwise.api", "io.layerwise.nd4j-runtime", "org.apache.felix.framework"), providers,
                "the bundles model-dae's imports are wired to: an update of any other would not reach it");
        Path out = work.resolve("updated-dae");
        Path pipeline = PlatformIT.pipeline(work, "tiny", PlatformIT.TINY);
        assertEquals(0, Shell.exec(platform, "layerwise:run --out " + out + " " + pipeline).exitCode());
        String history = Files.readString(out.resolve("history.json"));
        assertTrue(history.contains("\"bundleVersion\": \"9.9.9\""), history);
    }

    /**
     * Two bundles of the same plain-autoencoder classes, one carrying the real core, one a core whose
     * {@code Corruption.NONE} blanks the input, train at the same time in one framework with no core bundle: the first
     * trains bit for bit as model-ae does, the second cannot reconstruct, and each links core's classes from itself.
     */
    @Test
    void twoBundlesOnDifferentCoreCopiesTrainSideBySideEachOnItsOwn() throws Exception {
        File core = CoreBundles.core();
        Path coreSource = Path.of(System.getProperty("basedir", ".")).resolve("../core/src/main/java");
        File blankingCore = CoreBundles.variant(work.resolve("variant"), core, coreSource,
                "io.layerwise.core.ae.Corruption", "Corruption NONE = (clean, out) -> clean;",
                "Corruption NONE = (clean, out) -> clean.mul(0);");
        Bundle real = install("io.layerwise.itest.core-real", core, "core-real");
        Bundle blanking = install("io.layerwise.itest.core-blanking", blankingCore, "core-blanking");
        for (Bundle b : List.of(real, blanking)) {
            assertEquals(List.of(), forbiddenImports(b), b.getSymbolicName() + " imports");
        }

        Path ae = work.resolve("ae");
        assertEquals(0, Shell.exec(platform, "layerwise:run --out " + ae + " " + pipeline("ae")).exitCode());
        String realJob = Jobs.start(platform, work.resolve("core-real"), pipeline("core-real"));
        String blankingJob = Jobs.start(platform, work.resolve("core-blanking"), pipeline("core-blanking"));
        assertTrue(Jobs.awaitEnd(platform, realJob, 300_000).contains(" DONE "));
        assertTrue(Jobs.awaitEnd(platform, blankingJob, 300_000).contains(" DONE "));

        double[] plain = losses(ae);
        assertEquals(Arrays.toString(plain), Arrays.toString(losses(work.resolve("core-real"))),
                "the real core's losses are model-ae's");
        double[] blanked = losses(work.resolve("core-blanking"));
        System.out.println("side by side, the plain autoencoder's losses: " + Arrays.toString(plain)
                + "; on the blanking core: " + Arrays.toString(blanked));
        double last = blanked[blanked.length - 1];
        assertTrue(last > 1.2 * plain[plain.length - 1], "blanked input " + Arrays.toString(blanked)
                + " against the plain autoencoder " + Arrays.toString(plain));

        String stage = "io.layerwise.core.ae.AutoencoderStage";
        Class<?> inReal = real.loadClass(stage);
        Class<?> inBlanking = blanking.loadClass(stage);
        assertNotSame(inReal, inBlanking);
        assertNotSame(inReal, bundle("io.layerwise.model-ae").loadClass(stage));
        assertSame(real.adapt(BundleWiring.class).getClassLoader(), inReal.getClassLoader());
        assertSame(blanking.adapt(BundleWiring.class).getClassLoader(), inBlanking.getClassLoader());
    }

    private Bundle install(String symbolicName, File core, String type) throws Exception {
        byte[] jar = CoreBundles.withPrivateCore(symbolicName, "1.0.0", PlainAutoencoder.class, core,
                Map.of(PlainAutoencoder.TYPE_HEADER, type));
        Bundle b = platform.context().installBundle("test:" + type, new ByteArrayInputStream(jar));
        b.start();
        return b;
    }

    private Path pipeline(String type) throws Exception {
        return PlatformIT.pipeline(work, type, PIPELINE.replace("TYPE", type));
    }

    private static double[] losses(Path runDir) throws Exception {
        JsonArray epochs = PlatformIT.json(runDir.resolve("history.json")).getAsJsonArray("stages").get(0)
                .getAsJsonObject().getAsJsonArray("epochs");
        double[] loss = new double[epochs.size()];
        for (int e = 0; e < loss.length; e++) {
            loss[e] = epochs.get(e).getAsJsonObject().get("loss").getAsDouble();
        }
        return loss;
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(platform.context().getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError(symbolicName + " is not installed"));
    }

    /** The packages of {@code b}'s Import-Package header outside {@link #ALLOWED_IMPORTS}. */
    private static List<String> forbiddenImports(Bundle b) {
        String header = b.getHeaders().get("Import-Package");
        List<String> forbidden = new ArrayList<>();
        if (header == null) {
            return forbidden;
        }
        for (String pkg : packageNames(header)) {
            if (ALLOWED_IMPORTS.stream().noneMatch(a -> pkg.equals(a) || pkg.startsWith(a + "."))) {
                forbidden.add(pkg);
            }
        }
        return forbidden;
    }

    /** The package names of a manifest header's clauses: commas outside quotes part clauses, the name ends at ';'. */
    static List<String> packageNames(String header) {
        List<String> names = new ArrayList<>();
        StringBuilder clause = new StringBuilder();
        boolean quoted = false;
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                String name = clause.toString().split(";", 2)[0].trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return names;
    }
}
