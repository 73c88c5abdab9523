package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * No Layerwise component does long work in its DS {@code activate} or {@code deactivate}: SCR holds a lock around
 * them and gives up after 5 s, and a slow one stalls every bundle update. Each bundle with components is stopped and
 * started again while a long training job runs; stopping, starting and getting each of its services back (which
 * activates delayed components) must each take well under a second. The job lives through every restart but the
 * engine's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComponentLifecycleIT {
    /** SCR's lock timeout is 5 s; anything near a second is already long work on the lifecycle thread. */
    static final long LIMIT_MS = 1000;

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();

    @Test
    void everyComponentActivatesAndDeactivatesQuicklyWhileAJobRuns() throws Exception {
        Path f = PlatformIT.pipeline(felix.work(), "long", PlatformIT.TINY.replace("\"epochs\": 2", "\"epochs\": 100000"));
        Path runDir = felix.work().resolve("runs/long");
        String job = Jobs.start(felix.platform(), runDir, f);
        Jobs.awaitCheckpoint(runDir.resolve("stage-1-dae"), 1);

        BundleContext ctx = felix.context();
        List<Bundle> withComponents = new ArrayList<>();
        for (Bundle b : ctx.getBundles()) {
            if (b.getSymbolicName().startsWith("io.layerwise") && b.getHeaders().get("Service-Component") != null) {
                withComponents.add(b);
            }
        }
        // the engine last, so that the job is still running while every other bundle goes and comes back
        withComponents.sort(Comparator.comparing(b -> b.getSymbolicName().endsWith(".engine")));
        assertTrue(withComponents.size() >= 10, "bundles with components: " + withComponents);
        assertTrue(withComponents.get(withComponents.size() - 1).getSymbolicName().endsWith(".engine"));

        List<String> slow = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (Bundle b : withComponents) {
            if (b.getSymbolicName().endsWith(".engine")) {
                String status = Shell.exec(felix.platform(), "layerwise:status " + job).all();
                assertTrue(status.contains(" RUNNING "), "the job outlived the other bundles' "
                        + "restarts: " + status);
            }
            Set<String> services = serviceNames(b);
            assertFalse(services.isEmpty(), b.getSymbolicName() + " registers services");

            long t0 = System.nanoTime();
            b.stop();
            long stopMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(Bundle.RESOLVED, b.getState());

            t0 = System.nanoTime();
            b.start();
            awaitServices(ctx, b, services);
            long startMs = (System.nanoTime() - t0) / 1_000_000;

            table.append(String.format(Locale.ROOT, "  %-40s stop %4d ms, start and activate %4d ms%n",
                    b.getSymbolicName(), stopMs, startMs));
            if (stopMs > LIMIT_MS || startMs > LIMIT_MS) {
                slow.add(b.getSymbolicName() + " (stop " + stopMs + " ms, start " + startMs + " ms)");
            }
        }
        System.out.print("component lifecycle while a job runs:\n" + table);
        assertTrue(slow.isEmpty(), "over " + LIMIT_MS + " ms: " + slow);

        // stopping the engine asked the job to stop; it does so at its next minibatch and stays resumable
        Path history = runDir.resolve("history.json");
        long deadline = System.currentTimeMillis() + 10_000;
        while (!(Files.exists(history) && Files.readString(history).contains("cancelled"))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(Files.readString(history).contains("cancelled"), Files.readString(history));

        // the platform is whole again: the commands answer and a pipeline runs
        Shell.Result again = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("runs/after") + " "
                + PlatformIT.pipeline(felix.work(), "tiny", PlatformIT.TINY));
        assertEquals(0, again.exitCode(), again.all());
    }

    private static Set<String> serviceNames(Bundle b) {
        Set<String> names = new TreeSet<>();
        ServiceReference<?>[] refs = b.getRegisteredServices();
        if (refs != null) {
            for (ServiceReference<?> ref : refs) {
                names.addAll(Arrays.asList((String[]) ref.getProperty(Constants.OBJECTCLASS)));
            }
        }
        return names;
    }

    /** Waits until {@code b} registers every service it had before and gets each once, activating delayed components. */
    private static void awaitServices(BundleContext ctx, Bundle b, Set<String> expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!serviceNames(b).containsAll(expected)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(b.getSymbolicName() + " registered " + serviceNames(b) + ", expected " + expected);
            }
            Thread.sleep(1);
        }
        for (ServiceReference<?> ref : b.getRegisteredServices()) {
            assertNotNull(ctx.getService(ref), b.getSymbolicName() + ": " + ref);
            ctx.ungetService(ref);
        }
    }
}
