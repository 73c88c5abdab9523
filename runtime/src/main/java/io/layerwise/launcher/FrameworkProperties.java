package io.layerwise.launcher;

import static io.layerwise.launcher.Platform.CWD;
import static io.layerwise.launcher.Platform.DATA_DIR;
import static io.layerwise.launcher.Platform.DIST;
import static io.layerwise.launcher.Platform.FLAVOUR;
import static io.layerwise.launcher.Platform.HOME;
import static io.layerwise.launcher.Platform.REASON;

import io.layerwise.launcher.internal.DistProperties;
import io.layerwise.launcher.internal.Flavours;
import io.layerwise.launcher.internal.HotDeploy;
import io.layerwise.launcher.internal.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** The framework properties a {@link Platform} starts with: where things are, the natives flavour, the logs' levels. */
final class FrameworkProperties {
    private static final Logger HTTP_LOG = Logger.getLogger("org.apache.felix.http");

    private FrameworkProperties() {
    }

    /** Defaults, then conf/config.properties, then {@code extra}. */
    static Map<String, String> of(Path dist, Map<String, String> extra, Map<String, String> env)
            throws IOException {
        Map<String, String> props = new HashMap<>();
        Path home = Path.of(extra.getOrDefault(HOME, System.getProperty(HOME, defaultHome(dist).toString())))
                .toAbsolutePath().normalize();
        props.put(DIST, dist.toString());
        props.put(HOME, home.toString());
        props.put(CWD, extra.getOrDefault(CWD, System.getProperty(CWD, System.getProperty("user.dir"))));
        String data = env.get("LAYERWISE_DATA");
        if (data != null && !data.isBlank()) {
            props.put(DATA_DIR, data);
        }
        props.put("felix.fileinstall.dir", watchedDirs(dist, home));
        props.put("gosh.args", "--nointeractive");
        props.put("gosh.home", dist.toString()); // etc/gosh_profile
        props.put(HotDeploy.LOG_DEFAULT, "jul"); // FileInstall's messages, one line each (internal.FileInstallLog)
        quietHttp(props);
        props.putAll(DistProperties.load(dist.resolve("conf").resolve("config.properties"),
                name -> props.getOrDefault(name, System.getProperty(name))));
        props.putAll(extra);
        String override = env.get("LAYERWISE_BACKEND");
        Flavours.Choice choice = props.containsKey(FLAVOUR)
                ? Flavours.choose("", props.get(FLAVOUR), FLAVOUR)
                : Flavours.choose(cpuinfo(), override, "LAYERWISE_BACKEND");
        if (!props.containsKey(FLAVOUR) && (override == null || override.isBlank())) {
            choice = Flavours.preferGpu(choice, nvidiaGpuPresent(), Natives.has(dist.resolve("natives"), Flavours.CUDA));
        }
        props.put(FLAVOUR, choice.flavour());
        props.putIfAbsent(REASON, choice.reason());
        return props;
    }

    /** The NVIDIA driver lists its GPUs under /proc/driver/nvidia/gpus and creates /dev/nvidia0. */
    private static boolean nvidiaGpuPresent() {
        Path gpus = Path.of("/proc/driver/nvidia/gpus");
        try (var entries = Files.isDirectory(gpus) ? Files.list(gpus) : Stream.<Path>empty()) {
            return entries.findAny().isPresent() || Files.exists(Path.of("/dev/nvidia0"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The folder for hot bundles, and the repository's config/ for *.cfg configurations when there is one. In a
     * repository checkout the bundles folder is {@code runtime/deploy}, which a rebuild of the distribution leaves
     * alone; a distribution on its own uses its {@code deploy/}.
     */
    static String watchedDirs(Path dist, Path home) throws IOException {
        Path deploy = dist.resolve("deploy");
        if (Files.isDirectory(home.resolve("runtime")) && Files.isRegularFile(home.resolve("pom.xml"))) {
            deploy = Files.createDirectories(home.resolve("runtime").resolve("deploy"));
        }
        Path config = home.resolve("config");
        return deploy + (Files.isDirectory(config) ? "," + config : "");
    }

    /** {@code runtime/target/layerwise} sits three levels below the repository root. */
    static Path defaultHome(Path dist) {
        Path root = dist.getParent() != null && dist.getParent().getParent() != null
                ? dist.getParent().getParent().getParent() : null;
        return root != null && Files.isRegularFile(root.resolve("pom.xml")) ? root : dist;
    }

    private static String cpuinfo() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Felix HTTP (the web view's Jetty) logs every start and stop, and a warning at each framework start while the
     * view is off: errors only, through java.util.logging; Jetty's own log (stderr) warnings and errors only.
     */
    private static void quietHttp(Map<String, String> props) {
        props.put("org.apache.felix.http.log.jul", "true");
        if (!"1".equals(System.getenv("LAYERWISE_DEBUG"))) {
            HTTP_LOG.setLevel(Level.SEVERE);
            System.getProperties().putIfAbsent("org.eclipse.jetty.LEVEL", "WARN");
            System.getProperties().putIfAbsent("org.eclipse.jetty.util.log.announce", "false");
        }
    }
}
