package io.layerwise.backend.internal;

import io.layerwise.api.backend.Backend;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

/**
 * The ND4J backend of this process. The flavour was fixed by the launcher (which natives fragment it
 * installed); this component chooses the thread counts and applies them. Loading ND4J takes about a
 * second, so activation only starts it on a background thread: the service is there at once, and
 * {@link #gemmSelfTest} waits for the load.
 */
@Component(service = Backend.class, immediate = true)
public final class BackendComponent implements Backend {

    static final String FLAVOUR = "layerwise.backend.flavour";
    static final String REASON = "layerwise.backend.reason";
    static final String OMP_THREADS = "layerwise.threads.omp";
    static final String BLAS_THREADS = "layerwise.threads.blas";
    private static final long LOAD_TIMEOUT_S = 120;

    private String flavour;
    private String reason;
    private ThreadRule threads;
    private CompletableFuture<String> loaded;

    @Activate
    void activate(BundleContext context) {
        flavour = valueOr(context.getProperty(FLAVOUR), "unknown");
        reason = valueOr(context.getProperty(REASON), "not set by the launcher");
        threads = ThreadRule.choose(Runtime.getRuntime().availableProcessors(),
                context.getProperty(OMP_THREADS), context.getProperty(BLAS_THREADS));
        loaded = CompletableFuture.supplyAsync(this::load, task -> {
            Thread t = new Thread(task, "layerwise-backend-load");
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * A load still running when the framework stops would read natives from a closed bundle: let it finish.
     */
    @Deactivate
    void deactivate() {
        try {
            loaded.get(LOAD_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // reported by awaitLoaded() to whoever needed ND4J
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Loads ND4J, applies the thread counts, and returns the path of the nd4j natives actually loaded. */
    private String load() {
        Thread current = Thread.currentThread();
        current.setContextClassLoader(ND4JClassLoading.getNd4jClassloader());
        Nd4j.getBackend();
        Nd4jThreads.apply(threads);
        String natives = loadedNatives(Loader.getLoadedLibraries());
        if (!flavour.equals("unknown") && !natives.contains("/" + flavour + "/")) {
            System.err.println("layerwise-backend: expected " + flavour + " natives but loaded " + natives);
        }
        return natives;
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

    /** The nd4j natives file loaded, once ND4J is up. */
    String awaitLoaded() {
        try {
            return loaded.get(LOAD_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("ND4J (" + flavour + ") failed to load: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("ND4J (" + flavour + ") not loaded after " + LOAD_TIMEOUT_S + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ND4J loads");
        }
    }

    private static String valueOr(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
