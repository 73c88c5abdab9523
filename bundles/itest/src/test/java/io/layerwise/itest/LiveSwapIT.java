package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.layerwise.itest.blanking.BlankingDae;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;

/** The model bundle of a running stage is updated, or uninstalled, while the job trains. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class LiveSwapIT {
    static final String PIPELINE = """
            {"name": "swap", "seed": 31, "data": {"source": "mnist"},
             "stages": [{"type": "dae", "hidden": 40, "noise": {"kind": "mask", "level": 0.3},
                         "train": {"epochs": 200, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1, "momentum": 0.5}}}]}
            """;

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist().property("layerwise.swap.timeout.seconds", "3");
    Path pipeline;

    @BeforeAll
    void writePipeline() throws Exception {
        pipeline = PlatformIT.pipeline(felix.work(), "swap", PIPELINE);
    }

    @Test
    @Order(1)
    void updatingTheModelBundleMidRunContinuesFromTheCheckpointBitIdentically() throws Exception {
        Path whole = felix.work().resolve("whole");
        assertEquals(0, Shell.exec(felix.platform(), "layerwise:run --out " + whole + " " + pipeline).exitCode());

        Path dir = felix.work().resolve("swapped");
        String id = startAsync(dir);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-dae"), 5);
        Bundle dae = dae();
        Path jar = PlatformIT.DIST.resolve("bundle").resolve(Path.of(dae.getLocation().replaceFirst("^.*/", "")));
        dae.update(new ByteArrayInputStream(PlatformIT.withVersion(Files.readAllBytes(jar), "9.9.9")));
        PlatformIT.refresh(felix.platform(), dae);
        String status = Jobs.awaitEnd(felix.platform(), id, 120_000);
        assertTrue(status.contains(" DONE "), status);

        assertArrayEquals(Files.readAllBytes(whole.resolve("stage-1-dae/params.bin")),
                Files.readAllBytes(dir.resolve("stage-1-dae/params.bin")), "the swapped run's parameters differ");
        String history = Files.readString(dir.resolve("history.json"));
        assertTrue(history.contains("\"bundleVersion\": \"9.9.9\"") && history.contains("another took over"), history);
        String log = Files.readString(dir.resolve("run.log"));
        assertTrue(log.contains("went away in epoch") && log.contains("9.9.9 takes over"), log);
    }

    /**
     * Twenty update-and-refresh cycles of the DAE bundle during one job: every old bundle's class loader is
     * collectable once the job has moved to the next provider, while the job still runs (no static caches of plug-in
     * classes, no thread context class loaders, nothing of a stage kept by the job), and the live heap, read after
     * cycles 5, 12 and 20, stays flat (within 5%) over at least one of the two intervals. The job is then cancelled.
     */
    @Test
    @Order(2)
    void twentyUpdatesDuringOneJobLeaveNoOldClassLoaderReachableAndTheLiveHeapFlat() throws Exception {
        Path dir = felix.work().resolve("twenty");
        Path longer = PlatformIT.pipeline(felix.work(), "longer", PIPELINE.replace("\"epochs\": 200", "\"epochs\": 100000"));
        String id = Jobs.start(felix.platform(), dir, longer);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-dae"), 2);
        java.util.List<java.lang.ref.WeakReference<ClassLoader>> loaders = new java.util.ArrayList<>();
        Path log = dir.resolve("run.log");
        int[] readings = {5, 12, 20};
        LiveHeap[] live = new LiveHeap[3];
        long[] epochs = new long[3];
        long[] historyBytes = new long[3];
        for (int cycle = 1; cycle <= 20; cycle++) {
            Bundle dae = dae();
            loaders.add(new java.lang.ref.WeakReference<>(
                    dae.adapt(org.osgi.framework.wiring.BundleWiring.class).getClassLoader()));
            Path jar = PlatformIT.DIST.resolve("bundle").resolve(Path.of(dae.getLocation().replaceFirst("^.*/", "")));
            String version = "9.9." + (10 + cycle);
            dae.update(new ByteArrayInputStream(PlatformIT.withVersion(Files.readAllBytes(jar), version)));
            PlatformIT.refresh(felix.platform(), dae);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.readString(log).contains(version + " takes over") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            String text = Files.readString(log);
            assertTrue(text.contains(version + " takes over"), "cycle " + cycle + ": "
                    + text.lines().filter(l -> !l.contains(" epoch ") || l.contains("went away")).toList()
                    + Shell.exec(felix.platform(), "layerwise:status " + id).out() + Shell.exec(felix.platform(), "lb").out());
            int r = java.util.Arrays.binarySearch(readings, cycle);
            if (r >= 0) {
                awaitCollected(loaders, cycle + " cycles, while the job still runs");
                live[r] = LiveHeap.measure();
                epochs[r] = Files.readString(log).lines().filter(l -> l.contains(" epoch ")).count();
                historyBytes[r] = Files.size(dir.resolve("history.json"));
            }
        }
        // Something held per swap grows the heap in both intervals (~0.4 MiB a swap, 3 MiB each); a one-time step, such
        // as a jar's central directory the first time a class is loaded from it (+4.4 MiB of byte[] once in a full
        // run), shows in one interval only. So one of the two must be flat within 5%.
        long first = live[1].total() - live[0].total();
        long second = live[2].total() - live[1].total();
        String facts = String.format(java.util.Locale.ROOT, "live heap after cycles 5, 12, 20: %.2f, %.2f, %.2f MiB"
                + " (%d epochs in between, history.json %d -> %d bytes); most grown from 5 to 12:%n%s%nfrom 12 to 20:%n%s",
                live[0].total() / 1048576.0, live[1].total() / 1048576.0, live[2].total() / 1048576.0,
                epochs[2] - epochs[0], historyBytes[0], historyBytes[2], live[1].growthSince(live[0], 12),
                live[2].growthSince(live[1], 12));
        System.out.println("twenty updates: " + facts);
        assertTrue(Math.min(first, second) <= 0.05 * live[0].total(), "the live heap grew in both intervals: " + facts);
        Shell.exec(felix.platform(), "layerwise:cancel " + id);
        assertTrue(Jobs.awaitEnd(felix.platform(), id, 120_000).contains(" CANCELLED "));
    }

    /** Fails unless every class loader in {@code loaders} is collected within 30 s of GCs. */
    private static void awaitCollected(java.util.List<java.lang.ref.WeakReference<ClassLoader>> loaders, String when)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (loaders.stream().anyMatch(w -> w.get() != null) && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        long alive = loaders.stream().filter(w -> w.get() != null).count();
        assertEquals(0, alive, alive + " of " + loaders.size() + " old class loaders of model-dae are still reachable after "
                + when);
    }

    /** A build with visibly different behaviour takes over mid-run: the later epochs are its. */
    @Test
    @Order(3)
    void aDifferentProviderTakingOverTrainsTheLaterEpochsItsOwnWay() throws Exception {
        Path dir = felix.work().resolve("different");
        String id = startAsync(dir);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-dae"), 5);
        byte[] jar = CoreBundles.withPrivateCore("io.layerwise.itest.blanking", "1.0.0", BlankingDae.class,
                CoreBundles.core(), Map.of());
        Bundle blanking = felix.context().installBundle("test:blanking", new ByteArrayInputStream(jar));
        blanking.start();
        dae().uninstall(); // model-dae goes; the only dae provider left is the blanking one
        PlatformIT.refresh(felix.platform(), null);
        String status = Jobs.awaitEnd(felix.platform(), id, 120_000);
        assertTrue(status.contains(" DONE "), status);

        JsonArray epochs = stage(dir).getAsJsonArray("epochs");
        JsonArray wholeEpochs = stage(felix.work().resolve("whole")).getAsJsonArray("epochs");
        JsonObject swap = stage(dir).getAsJsonArray("resumed").get(0).getAsJsonObject();
        assertEquals("io.layerwise.itest.blanking", swap.get("bundle").getAsString(), swap.toString());
        int after = swap.get("afterEpoch").getAsInt();
        assertTrue(after >= 5 && after < 200, swap.toString());
        for (int e = 0; e < after; e++) { // model-dae's epochs: those of the uninterrupted run
            assertEquals(wholeEpochs.get(e).getAsJsonObject().get("loss").getAsDouble(),
                    epochs.get(e).getAsJsonObject().get("loss").getAsDouble(), 0.0, "epoch " + (e + 1));
        }
        // with every input blanked, its loss climbs far above the denoising autoencoder's
        double last = epochs.get(199).getAsJsonObject().get("loss").getAsDouble();
        double denoising = wholeEpochs.get(199).getAsJsonObject().get("loss").getAsDouble();
        assertTrue(last > 1.2 * denoising, "blanking " + last + " against denoising " + denoising);
    }

    @Test
    @Order(4)
    void withoutAProviderComingBackTheJobFailsNamingTheCheckpointToResumeFrom() throws Exception {
        Path dir = felix.work().resolve("orphaned");
        String id = startAsync(dir);
        Jobs.awaitCheckpoint(dir.resolve("stage-1-dae"), 3);
        Arrays.stream(felix.context().getBundles())
                .filter(b -> b.getSymbolicName().equals("io.layerwise.itest.blanking")).findFirst().orElseThrow()
                .uninstall();
        PlatformIT.refresh(felix.platform(), null);
        String status = Jobs.awaitEnd(felix.platform(), id, 120_000);
        assertTrue(status.contains(" FAILED "), status);
        assertTrue(status.contains("no provider of \"dae\" came back within 3 s")
                && status.contains("layerwise:resume " + dir), status);
        assertTrue(Files.isDirectory(dir.resolve("stage-1-dae/checkpoints")), "the checkpoints stay");
    }

    private static JsonObject stage(Path runDir) throws java.io.IOException {
        return PlatformIT.json(runDir.resolve("history.json")).getAsJsonArray("stages").get(0).getAsJsonObject();
    }

    private String startAsync(Path dir) {
        return Jobs.start(felix.platform(), dir, pipeline);
    }

    private Bundle dae() {
        return Arrays.stream(felix.context().getBundles())
                .filter(b -> "io.layerwise.model-dae".equals(b.getSymbolicName())).findFirst().orElseThrow();
    }
}
