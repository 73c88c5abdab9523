package io.layerwise.backend.internal;

import io.layerwise.api.backend.Backend;
import io.layerwise.api.backend.BlasCheck;
import io.layerwise.api.config.Configured;
import io.layerwise.api.config.Settings;
import io.layerwise.api.config.TypedConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bytedeco.javacpp.Loader;
import org.nd4j.common.config.ND4JClassLoading;
import org.nd4j.linalg.factory.Nd4j;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The ND4J backend of this process. The flavour was fixed by the launcher (which natives fragment it
 * installed); this component chooses the thread counts and applies them. Loading ND4J takes about a
 * second, so activation only starts it on a background thread: the service is there at once, and
 * {@link #gemmSelfTest} waits for the load. In the interactive shell the load starts half a second later
 * ({@link #LOAD_DELAY_MS}), or at once when a command asks for ND4J first. New thread counts in its
 * configuration ({@link BackendConfig}) apply without a restart, once ND4J is loaded.
 */
@Designate(ocd = BackendConfig.class)
@Component(service = {Backend.class, Configured.class}, immediate = true, configurationPid = BackendConfig.PID)
public final class BackendComponent implements Backend, Configured {

    static final String FLAVOUR = "layerwise.backend.flavour";
    static final String REASON = "layerwise.backend.reason";
    static final String OMP_THREADS = "layerwise.threads.omp";
    static final String BLAS_THREADS = "layerwise.threads.blas";
    /** Set by the launcher: the file of remembered verdicts, this kernel's key in it, and the kernels refused. */
    static final String VERDICTS = "layerwise.blas.verdicts";
    static final String VERDICT_KEY = "layerwise.blas.verdict.key";
    static final String FALLBACK = "layerwise.blas.fallback";
    /**
     * Test hook: a routine whose self-test result is corrupted on purpose, under any kernel ("dsyevd") or one
     * ("Haswell:dsyevd"), so that tests see the fallback on any CPU.
     */
    static final String FAULT = "layerwise.blas.selftest.fault";
    /**
     * Set by the launcher for the interactive shell: how long the load waits unless a command asks for ND4J first, so
     * that the prompt does not share the cores with it (docs/performance.md, "Start: ND4J loads after the prompt").
     */
    static final String LOAD_DELAY_MS = "layerwise.backend.loadDelayMs";
    private static final long LOAD_TIMEOUT_S = 120;

    private String flavour;
    private String reason;
    private final TypedConfig<BackendConfig> config = TypedConfig.of(BackendConfig.PID, BackendConfig.class,
            line -> System.err.println("layerwise: " + line))
            .range("ompThreads", 0, 1024)
            .range("blasThreads", 0, 1024)
            .replaces("ompThreads", OMP_THREADS)
            .replaces("blasThreads", BLAS_THREADS);
    private BundleContext context;
    private volatile ThreadRule threads;
    private DeferredLoad<String> loaded;
    private volatile BlasCheck blasCheck;
    private String verdicts;
    private String verdictKey;
    private String fallback;
    private String fault;
    /** Beside the verdicts: per machine and kernel, the products that run on one BLAS thread and their blocks. */
    static final String SMALL_PRODUCTS_FILE = "blas-threads.properties";

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        flavour = valueOr(context.getProperty(FLAVOUR), "unknown");
        reason = valueOr(context.getProperty(REASON), "not set by the launcher");
        threads = threadsFor(config.update(properties, context::getProperty));
        verdicts = context.getProperty(VERDICTS);
        verdictKey = context.getProperty(VERDICT_KEY);
        fallback = valueOr(context.getProperty(FALLBACK), "");
        fault = context.getProperty(FAULT);
        loaded = new DeferredLoad<>("layerwise-backend-load", delayMs(context.getProperty(LOAD_DELAY_MS)), this::load);
    }

    /** New counts apply at once when ND4J is up, else when its load applies them. */
    @Modified
    void modified(Map<String, Object> properties) {
        threads = threadsFor(config.update(properties, context::getProperty));
        loaded.later().thenRun(() -> Nd4jThreads.apply(threads));
    }

    private static ThreadRule threadsFor(BackendConfig c) {
        return ThreadRule.choose(Runtime.getRuntime().availableProcessors(), c.ompThreads(), c.blasThreads());
    }

    @Override
    public Settings settings() {
        return config.settings();
    }

    /**
     * A load still running when the framework stops would read natives from a closed bundle: let it finish. One that
     * has not started (a shell left at once) never does.
     */
    @Deactivate
    void deactivate() {
        if (loaded.cancelIfNotStarted()) {
            return;
        }
        try {
            loaded.later().get(LOAD_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            // reported by awaitLoaded() to whoever needed ND4J
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Loads ND4J, applies the thread counts, and returns the path of the nd4j natives actually loaded. */
    private String load() {
        Thread current = Thread.currentThread();
        current.setContextClassLoader(ND4JClassLoading.getNd4jClassloader());
        long t0 = System.nanoTime();
        Nd4j.getBackend();
        Nd4jThreads.apply(threads);
        long t1 = System.nanoTime();
        checkBlas();
        long t2 = System.nanoTime();
        if (blasCheck.passed()) {
            // before any training product: the engine waits for this load (blasCheck) before a job
            Path file = verdicts == null ? null : Path.of(verdicts).resolveSibling(SMALL_PRODUCTS_FILE);
            SmallProducts.choose(threads.blas(), file, verdictKey);
            ProductBlocks.choose(threads.blas(), System.getenv("OPENBLAS_CORETYPE"), file, verdictKey);
        }
        if ("1".equals(System.getenv("LAYERWISE_DEBUG"))) { // the start-time breakdown (docs/performance.md)
            System.err.printf("layerwise-backend: ND4J loaded in %d ms, BLAS self-test %d ms, small products and"
                    + " blocks %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                    (System.nanoTime() - t2) / 1_000_000);
        }
        String natives = loadedNatives(Loader.getLoadedLibraries());
        if (!flavour.equals("unknown") && !natives.contains("/" + flavour + "/")) {
            System.err.println("layerwise-backend: expected " + flavour + " natives but loaded " + natives);
        }
        return natives;
    }

    /** Runs the BLAS self-test, reports a failure on stderr, and remembers the verdict for the launcher. */
    private void checkBlas() {
        String kernel = valueOr(System.getenv("OPENBLAS_CORETYPE"), "auto");
        BlasReport report = BlasSelfTest.run(faultFor(fault, kernel));
        blasCheck = new BlasCheck(kernel, report.passed(), report.summary(), fallback);
        if (!report.passed() && verdictKey == null) { // under runtime/layerwise, the launcher reports it
            System.err.println("layerwise-backend: OpenBLAS kernel " + kernel + " computes wrong results on this CPU, "
                    + "so no job will run: " + report.summary());
        }
        if (verdicts != null && verdictKey != null) {
            try {
                BlasVerdicts.record(Path.of(verdicts), verdictKey, report.passed() ? "pass" : "fail " + report.summary());
            } catch (IOException e) {
                System.err.println("layerwise-backend: cannot remember the BLAS verdict in " + verdicts + ": " + e);
            }
        }
    }

    /** The test hook's routine when it applies to this kernel: "dgemm" (any kernel) or "Haswell:dgemm". */
    static String faultFor(String fault, String kernel) {
        if (fault == null || fault.isBlank()) {
            return null;
        }
        int colon = fault.indexOf(':');
        return colon < 0 ? fault : fault.substring(0, colon).equalsIgnoreCase(kernel) ? fault.substring(colon + 1) : null;
    }

    static String loadedNatives(Map<String, String> libraries) {
        return libraries.entrySet().stream()
                .filter(e -> e.getKey().contains("jnind4jcpu"))
                .map(Map.Entry::getValue)
                .findFirst().orElse("unknown");
    }

    @Override
    public String flavour() {
        return flavour;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public int ompThreads() {
        return threads.omp();
    }

    @Override
    public int blasThreads() {
        return threads.blas();
    }

    @Override
    public String openblasCoretype() {
        return valueOr(System.getenv("OPENBLAS_CORETYPE"), "unset");
    }

    @Override
    public double gemmSelfTest(int n, double seconds) {
        return gemmGflops(n, n, n, seconds);
    }

    @Override
    public double gemmGflops(int m, int k, int n, double seconds) {
        awaitLoaded();
        return GemmBenchmark.run(m, k, n, seconds);
    }

    @Override
    public BlasCheck blasCheck() {
        awaitLoaded();
        return blasCheck;
    }

    /** The nd4j natives file loaded, once ND4J is up. */
    String awaitLoaded() {
        try {
            return loaded.now().get(LOAD_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (CancellationException e) {
            throw new IllegalStateException("ND4J (" + flavour + ") not loaded: the backend stopped first");
        } catch (ExecutionException e) {
            throw new IllegalStateException("ND4J (" + flavour + ") failed to load: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("ND4J (" + flavour + ") not loaded after " + LOAD_TIMEOUT_S + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ND4J loads");
        }
    }

    /** The launcher's delay, or none for anything else (an embedding application, a test). */
    static long delayMs(String value) {
        try {
            return value == null ? 0 : Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String valueOr(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
