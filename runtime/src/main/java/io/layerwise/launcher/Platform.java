package io.layerwise.launcher;

import io.layerwise.launcher.internal.ComponentDescriptions;
import io.layerwise.launcher.internal.ConfigFiles;
import io.layerwise.launcher.internal.Gogo;
import io.layerwise.launcher.internal.HotDeploy;
import io.layerwise.launcher.internal.Natives;
import io.layerwise.launcher.internal.StartPhases;
import io.layerwise.launcher.internal.StorageDirs;
import io.layerwise.launcher.internal.SystemPackages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A running Layerwise framework, started from an assembled distribution ({@code runtime/target/layerwise}):
 * every bundle of {@code bundle/} installed and started (but those {@link #ON_DEMAND} names), plus the one natives
 * fragment of {@code natives/} that fits this CPU. Used by the {@code layerwise} launcher and by integration tests.
 *
 * <pre>{@code
 * try (Platform p = Platform.start(dist, Map.of())) {
 *     int status = p.exec("lb", System.out, System.err);
 * }
 * }</pre>
 */
public final class Platform implements AutoCloseable {

    /** Framework property: the natives flavour installed (linux-x86_64, linux-x86_64-avx2, ...). */
    public static final String FLAVOUR = "layerwise.backend.flavour";
    // java.util.logging holds loggers weakly: the level set on it would go with a collected logger
    /** Framework property: why that flavour (CPU flags seen, or the override). */
    public static final String REASON = "layerwise.backend.reason";
    /** Framework property: the repository root (config/, data/, runs/ live under it). */
    public static final String HOME = "layerwise.home";
    /** Framework property: the distribution directory. */
    public static final String DIST = "layerwise.dist";
    /**
     * Framework property: the MNIST directory, set from env LAYERWISE_DATA only; it overrides {@code dir} of
     * {@code config/io.layerwise.data.mnist.cfg.json} (default {@code <home>/data/mnist}).
     */
    public static final String DATA_DIR = "layerwise.data.dir";
    /** Framework property: the user's working directory, against which relative paths in commands resolve. */
    public static final String CWD = "layerwise.cwd";
    /**
     * Framework property: symbolic names (comma-separated) of bundles installed and resolved but not started; whoever
     * needs one starts it (the web view starts Felix HTTP's Jetty when it turns on).
     */
    public static final String ON_DEMAND = "layerwise.start.onDemand";
    /** Framework property: {@code true} when the launcher's output is a terminal (progress lines update in place). */
    public static final String TTY = "layerwise.tty";

    private static final long SERVICE_TIMEOUT_MS = 10_000;
    /** How long the start waits for the PID.cfg.json files of the watched folders to be in force. */
    private static final long CONFIG_TIMEOUT_MS = 5_000;

    private final Framework framework;
    private final Path storage;
    private final Path cwd;
    private final boolean debug;
    // Gogo replaces System.out/err with per-thread streams once it runs; a session writing into those
    // would write into itself. These are the process's own streams, taken before the framework started.
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final ComponentDescriptions descriptions;
    private Thread cleanup;
    private HotDeploy hotDeploy;

    private Platform(Framework framework, Path storage, Path cwd, boolean debug, ComponentDescriptions descriptions) {
        this.framework = framework;
        this.storage = storage;
        this.cwd = cwd;
        this.debug = debug;
        this.descriptions = descriptions;
    }

    /**
     * Starts a framework from {@code distDir}. {@code extraProps} override everything else; among them
     * {@link #FLAVOUR} picks the natives (otherwise env {@code LAYERWISE_BACKEND}, else /proc/cpuinfo),
     * and {@code gosh.args} (default {@code --nointeractive}) decides whether Gogo opens a console.
     * Returns once every bundle (but the {@link #ON_DEMAND} ones) has been started and the {@code PID.cfg.json} files
     * of the watched folders are in force (up to 5 s); a bundle that fails to start is reported on {@code System.err}
     * and left installed.
     */
    public static Platform start(Path distDir, Map<String, String> extraProps) throws IOException, BundleException {
        return start(distDir, extraProps, new StartPhases());
    }

    /** As {@link #start(Path, Map)}, marking the end of each phase of the start in {@code phases}. */
    static Platform start(Path distDir, Map<String, String> extraProps, StartPhases phases)
            throws IOException, BundleException {
        Path dist = distDir.toAbsolutePath().normalize();
        Map<String, String> props = FrameworkProperties.of(dist, extraProps, System.getenv());
        Path storage = StorageDirs.create(StorageDirs.root());
        props.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        Path fragment = Natives.fragmentFor(dist.resolve("natives"), props.get(FLAVOUR));
        if (props.get("gosh.args").contains("--nointeractive") && System.getProperty("org.jline.terminal.dumb") == null) {
            // Gogo's JLine shell builds a terminal even when it opens no console; without one attached
            // JLine would warn that it fell back to a dumb terminal.
            System.setProperty("org.jline.terminal.dumb", "true");
            // and straight to the dumb one: probing the other providers for a terminal on the system streams forks
            // `tty` and `test -t` a few times, over half of Gogo's start (docs/performance.md, "Start time, per
            // bundle")
            if (System.getProperty(JLINE_PROVIDER) == null) {
                System.setProperty(JLINE_PROVIDER, "dumb");
            }
        } else {
            useJlineNative(dist.resolve("natives").resolve("jline"));
        }

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        SystemPackages systemPackages = SystemPackages.in(dist.resolve("cds"), factory.getClass());
        // unless the configuration names them, the JDK's packages as an earlier start worked them out
        boolean systemPackagesGiven = props.containsKey(Constants.FRAMEWORK_SYSTEMPACKAGES)
                || props.containsKey(SYSTEM_PACKAGES_SUBSTITUTION);
        Optional<String> knownSystemPackages = systemPackagesGiven ? Optional.empty() : systemPackages.value();
        knownSystemPackages.ifPresent(value -> props.put(Constants.FRAMEWORK_SYSTEMPACKAGES, value));
        boolean storeSystemPackages = !systemPackagesGiven && knownSystemPackages.isEmpty();
        Framework framework = factory.newFramework(props);
        // SCR's parsed component descriptions from an earlier start, where SCR keeps them (conf/config.properties)
        ComponentDescriptions descriptions = "true".equalsIgnoreCase(props.get(SCR_CACHE))
                ? ComponentDescriptions.in(dist.resolve("cds")) : null;
        Platform platform = new Platform(framework, storage, Path.of(props.get(CWD)), isDebug(), descriptions);
        platform.cleanup = new Thread(platform::stop, "layerwise-cleanup");
        Runtime.getRuntime().addShutdownHook(platform.cleanup);
        try {
            framework.start();
            phases.mark("framework");
            if (storeSystemPackages) {
                systemPackages.store(framework.getBundleContext().getProperty(Constants.FRAMEWORK_SYSTEMPACKAGES));
            }
            platform.hotDeploy = HotDeploy.start(framework.getBundleContext(), props, platform::notice,
                    platform::trace);
            platform.installAndStart(bundles(dist.resolve("bundle")), fragment, onDemand(props.get(ON_DEMAND)), phases);
            ConfigFiles.awaitInForce(framework.getBundleContext(), props.getOrDefault("felix.fileinstall.dir", ""),
                    CONFIG_TIMEOUT_MS, platform::notice);
            phases.mark("config");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            platform.stop();
            throw new IOException("interrupted while the configuration files were read", e);
        } catch (IOException | BundleException | RuntimeException e) {
            platform.stop();
            throw e;
        }
        return platform;
    }

    /**
     * The interactive shell's JLine: its JNI library from the distribution ({@code library.jline.path}), instead of a
     * copy into the temporary directory under a random name at each start, after a scan of that directory for old
     * copies; and, with it there, only JLine's JNI terminal provider probed: the probe of its exec provider forked
     * {@code test -t 1}, the JVM's first process (docs/performance.md, "Start: JLine's terminal without a fork").
     * Settings the user gave stand.
     */
    private static void useJlineNative(Path dir) {
        boolean linuxX64 = System.getProperty("os.name", "").startsWith("Linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch", ""));
        if (!linuxX64 || System.getProperty(JLINE_LIBRARY_PATH) != null
                || !Files.isRegularFile(dir.resolve(System.mapLibraryName("jlinenative")))) {
            return;
        }
        System.setProperty(JLINE_LIBRARY_PATH, dir.toString());
        if (System.getProperty(JLINE_PROVIDER) == null && System.getProperty("org.jline.terminal.providers") == null) {
            System.setProperty(JLINE_PROVIDER, "jni");
        }
    }

    /** The system bundle's context. */
    public BundleContext context() {
        return framework.getBundleContext();
    }

    /** The framework itself, e.g. to wait for its end. */
    public Framework framework() {
        return framework;
    }

    /**
     * Waits for a service. {@code type} must be the class the providing bundle sees: a class on the
     * caller's class path matches only if the framework's system bundle exports its package.
     */
    public <T> T awaitService(Class<T> type, long timeoutMs) throws InterruptedException, TimeoutException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context(), type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(timeoutMs);
            if (service == null) {
                throw new TimeoutException("no " + type.getName() + " service after " + timeoutMs + " ms");
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    /**
     * Runs one Gogo command line, as typed at the {@code g!} prompt, relative to {@link #CWD}. Output and a
     * non-null result go to {@code out}; a failure prints only its message to {@code err} (the stack
     * trace too with {@code LAYERWISE_DEBUG=1}). Returns 0 on success, 1 on failure. Passing
     * {@code System.out}/{@code System.err} is safe: they mean the process's streams of before the start.
     */
    public int exec(String gogoCommandLine, PrintStream out, PrintStream err) {
        return new Gogo(context(), debug).exec(gogoCommandLine, cwd, out == System.out ? stdout : out,
                err == System.err ? stderr : err, SERVICE_TIMEOUT_MS);
    }

    /** Waits until the framework stops (e.g. {@code exit} typed in the shell), then removes its storage. */
    public void waitForStop() throws InterruptedException {
        framework.waitForStop(0);
        stop();
    }

    /** A line of the launcher's own on the process's standard error, e.g. a jar in deploy/ that is no bundle. */
    private void notice(String line) {
        synchronized (stderr) {
            stderr.println("layerwise: " + line);
            stderr.flush();
        }
    }

    /** The stack trace behind a notice: printed with {@code LAYERWISE_DEBUG=1} only. */
    private void trace(Throwable e) {
        if (debug) {
            synchronized (stderr) {
                e.printStackTrace(stderr);
            }
        }
    }

    /** Stops the framework and removes its storage directory. Idempotent. */
    public synchronized void stop() {
        if (hotDeploy != null) {
            hotDeploy.close();
        }
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                framework.stop();
            }
            framework.waitForStop(30_000);
        } catch (BundleException | InterruptedException | RuntimeException e) {
            // Going down anyway; the storage is removed below or by a later start.
        }
        if (descriptions != null && framework.getState() == Bundle.RESOLVED) {
            descriptions.keep(); // what SCR wrote at its stop
        }
        StorageDirs.delete(storage);
        if (cleanup != null && Thread.currentThread() != cleanup) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void installAndStart(List<Path> bundleJars, Path fragment, Set<String> onDemand, StartPhases phases)
            throws BundleException {
        BundleContext ctx = context();
        List<Bundle> installed = new ArrayList<>();
        // "reference:" keeps the jars where they are instead of copying them into the storage directory.
        for (Path jar : bundleJars) {
            installed.add(ctx.installBundle("reference:" + jar.toUri()));
        }
        ctx.installBundle("reference:" + fragment.toUri()); // before anything resolves the host
        if (descriptions != null && descriptions.pin(installed, bundleJars)) {
            installed.stream().filter(b -> SCR.equals(b.getSymbolicName())).findFirst().ifPresent(descriptions::seed);
        }
        phases.mark("install");
        // all at once rather than bundle by bundle as each start needs it; timed on its own under LAYERWISE_DEBUG
        framework.adapt(FrameworkWiring.class).resolveBundles(null);
        phases.mark("resolve");
        long jlineStart = System.nanoTime();
        ClassLoader jline = classLoaderOf(installed, "org.jline");
        phases.bundle("org.jline", System.nanoTime() - jlineStart);
        List<Bundle> beside = new ArrayList<>();
        List<Bundle> main = new ArrayList<>();
        for (String name : BESIDE) {
            installed.stream().filter(b -> name.equals(b.getSymbolicName())).forEach(beside::add);
        }
        beside.removeIf(bundle -> onDemand.contains(bundle.getSymbolicName()));
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null && !beside.contains(bundle)
                    && !onDemand.contains(bundle.getSymbolicName())) {
                main.add(bundle);
            }
        }
        Thread second = new Thread(() -> {
            for (Bundle bundle : beside) {
                startOne(bundle, jline, phases, "beside: ");
            }
        }, "layerwise-start");
        second.start();
        for (Bundle bundle : main) {
            startOne(bundle, jline, phases, "");
        }
        awaitUninterruptibly(second::join);
        phases.mark("bundles");
    }

    /**
     * Bundles started on a second thread, in this order, beside the others on the calling thread (docs/performance.md,
     * "Start time, per bundle"): started one after the other on one thread, they left the second core idle. They need
     * nothing the others' activators do; the interactive shell's prompt comes from this lane, so Gogo goes first.
     * {@link #start(Path, Map)} still returns once every bundle is started. Gogo's runtime starts before its JLine
     * shell: the runtime registers its command processor before it opens its tracker of commands, and a shell already
     * waiting for that processor starts then, on its own thread, and runs etc/gosh_profile, whose {@code try} (a
     * command the shell registers) could run before the tracker had it ("Command not found: try" once in BadInputIT).
     * Started after the runtime, the shell finds the processor at once, and its commands reach the open tracker before
     * its thread starts. The ND4J runtime is in neither list's order: it activates lazily, on the first class loaded
     * from it (the backend's ND4J load), so its start here costs nothing.
     */
    static final List<String> BESIDE = List.of("org.apache.felix.gogo.runtime",
            "org.apache.felix.gogo.command", "org.apache.felix.gogo.jline", "org.apache.felix.http.servlet-api",
            "org.apache.felix.http.jetty");
    private static final String SCR = "org.apache.felix.scr";
    private static final String JLINE_LIBRARY_PATH = "library.jline.path";
    private static final String JLINE_PROVIDER = "org.jline.terminal.provider";
    /** Felix SCR's switch for keeping its parsed component descriptions in its data area. */
    private static final String SCR_CACHE = "ds.cache.metadata";
    /** Felix's switch that makes it work the system packages out even when they are given. */
    private static final String SYSTEM_PACKAGES_SUBSTITUTION = "felix.systempackages.substitution";

    private static void startOne(Bundle bundle, ClassLoader jline, StartPhases phases, String lane) {
        // Gogo's JLine shell builds its terminal while its bundles start, and JLine looks its terminal
        // providers up through the context class loader: without its own there, it finds none and
        // falls back to a dumb terminal (no line editing, no history).
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (jline != null && bundle.getSymbolicName().startsWith("org.apache.felix.gogo.")) {
            thread.setContextClassLoader(jline);
        }
        long started = System.nanoTime();
        try {
            // as its Bundle-ActivationPolicy says: a lazy bundle's activator waits for its first class load
            bundle.start(Bundle.START_ACTIVATION_POLICY);
            phases.bundle(lane + bundle.getSymbolicName(), System.nanoTime() - started);
        } catch (BundleException | RuntimeException e) {
            System.err.println("layerwise: bundle " + bundle.getSymbolicName() + " did not start: " + e.getMessage());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private interface Wait {
        void run() throws InterruptedException;
    }

    /** The start has no way to give up half-way: an interrupt is kept for the caller to see once it is done. */
    private static void awaitUninterruptibly(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.run();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static ClassLoader classLoaderOf(List<Bundle> bundles, String symbolicName) {
        for (Bundle bundle : bundles) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                try {
                    bundle.start();
                } catch (BundleException e) {
                    return null;
                }
                BundleWiring wiring = bundle.adapt(BundleWiring.class);
                return wiring == null ? null : wiring.getClassLoader();
            }
        }
        return null;
    }

    private static Set<String> onDemand(String names) {
        if (names == null) {
            return Set.of();
        }
        return Arrays.stream(names.split(",")).map(String::strip).filter(n -> !n.isEmpty()).collect(Collectors.toSet());
    }

    private static List<Path> bundles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("not a Layerwise distribution (no bundle/ directory): " + dir.getParent());
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static boolean isDebug() {
        return "1".equals(System.getenv("LAYERWISE_DEBUG")) || Boolean.getBoolean("layerwise.debug");
    }
}
