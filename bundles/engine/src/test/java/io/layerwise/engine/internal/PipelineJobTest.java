package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.pipeline.JobStatus;
import io.layerwise.api.pipeline.JobStatus.State;
import io.layerwise.api.pipeline.PipelineException;
import io.layerwise.api.pipeline.ProgressListener;
import io.layerwise.api.pipeline.RunOptions;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.api.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's sequencing without a framework: a validated pipeline run by a {@link PipelineJob} against plug-ins in
 * maps ({@link FakeLookup}), with real run directories, checkpoints and history.json.
 */
class PipelineJobTest {
    @TempDir
    Path dir;

    final FakeStages.Journal journal = new FakeStages.Journal();
    final FakeLookup<StageProvider> stages = new FakeLookup<StageProvider>()
            .register("a", FakeStages.provider("a", true, journal), "test.a", "1.0.0")
            .register("b", FakeStages.provider("b", false, journal), "test.b", "1.0.0")
            .register("c", FakeStages.provider("c", true, journal), "test.c", "1.0.0");
    final FakeLookup<Regularizer> regularizers = new FakeLookup<>();
    final FakeLookup<DataSource> sources = new FakeLookup<DataSource>()
            .register("fake", FakeStages.source(), "test.data", "1.0.0");
    final FakeLookup<FineTuner> heads = new FakeLookup<FineTuner>()
            .register("fake", FakeStages.head(journal), "test.head", "1.0.0");
    final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    final Plugins plugins = new Plugins(stages, regularizers, sources, heads);

    @AfterEach
    void everyServiceTakenIsGivenBack() {
        assertEquals(0, stages.held.get(), "stage providers still held");
        assertEquals(0, sources.held.get(), "data sources still held");
        assertEquals(0, heads.held.get(), "heads still held");
    }

    private Path pipeline(String stagesJson, String more) throws Exception {
        Path file = dir.resolve("p.json");
        Files.writeString(file, "{\"name\": \"p\", \"seed\": 3, \"data\": {\"source\": \"fake\"}, \"stages\": ["
                + stagesJson + "]" + more + "}");
        return file;
    }

    private PipelineJob job(Path file, boolean resume, long swapTimeoutSeconds) throws Exception {
        PipelineValidator.Validated v = new PipelineValidator(plugins).validate(file, RunOptions.defaults(), null, 0);
        Path runDir = dir.resolve("run");
        RunDirectory run = resume ? RunDirectory.reopen(runDir, "2")
                : RunDirectory.create(runDir, v.plan().name(), v.plan().resolvedJson(), "1");
        ProgressListener listener = new ProgressListener() {
            @Override
            public void message(String line) {
                messages.add(line);
            }
        };
        return new PipelineJob(resume ? "2" : "1", v, run, listener, plugins, swapTimeoutSeconds, resume, new JobPhases());
    }

    private static JobStatus runToEnd(PipelineJob job) throws Exception {
        job.run(); // on this thread: the job's own thread is the engine's business
        return job.await();
    }

    private History history() throws Exception {
        Path file = dir.resolve("run/history.json");
        return History.parse(Files.readString(file), file);
    }

    private static final String A = "{\"type\": \"a\", \"hidden\": 4, \"train\": {\"epochs\": 3}}";
    private static final String B = "{\"type\": \"b\", \"hidden\": 2}";
    private static final String C = "{\"type\": \"c\", \"hidden\": 2, \"train\": {\"epochs\": 3}}";

    @Test
    void stagesRunInOrderEachOnThePreviousStagesOutput() throws Exception {
        PipelineJob job = job(pipeline(A + ", " + B, ""), false, 5);
        journal.events.clear(); // validation created each stage once
        JobStatus end = runToEnd(job);
        assertEquals(State.DONE, end.state(), end.message());
        assertEquals(List.of("create a 16", "epoch a 1", "epoch a 2", "epoch a 3", "create b 4", "fit b 4"),
                journal.events);
        History h = history();
        assertEquals("done", h.status);
        assertEquals(List.of("a", "b"), h.stages.stream().map(s -> s.type).toList());
        assertEquals(List.of(1, 2, 3), h.stages.get(0).epochs.stream().map(History.Epoch::epoch).toList());
        assertEquals(4, h.stages.get(1).inputSize);
        assertEquals("test.b", h.stages.get(1).bundle);
        assertNull(h.stages.get(1).epochs.get(0).loss(), "a fitted stage records no loss");
        assertTrue(h.stages.get(0).finished() && h.stages.get(1).finished());
        assertTrue(Files.isRegularFile(dir.resolve("run/stage-2-b/model.json")));
        assertFalse(Files.exists(dir.resolve("run/stage-1-a/" + Checkpoints.FOLDER)), "a finished stage keeps no checkpoints");
    }

    /** A 784-2000 stage on 60,000 rows would hold 480 MB of codes that nothing reads (docs/performance.md). */
    @Test
    void onlyAStageWithAStageAfterItEncodesItsTrainingRows() throws Exception {
        PipelineJob job = job(pipeline(A + ", " + B, ""), false, 5);
        JobStatus end = runToEnd(job);
        assertEquals(State.DONE, end.state(), end.message());
        assertEquals(1, journal.encoded.stream().filter("a 40"::equals).count(), journal.encoded.toString());
        assertEquals(List.of(), journal.encoded.stream().filter("b 40"::equals).toList(), "the last stage's codes");
    }

    @Test
    void aProviderThatGoesAwayMidTrainingIsWaitedForAndTheStageGoesOnFromItsCheckpoint() throws Exception {
        AtomicBoolean swapped = new AtomicBoolean();
        journal.beforeBatch = (type, epoch, batch) -> {
            if (epoch == 2 && batch == 0 && swapped.compareAndSet(false, true)) {
                stages.unregister("a"); // its bundle is being updated
                Thread later = new Thread(() -> {
                    sleep(300);
                    stages.register("a", FakeStages.provider("a", true, journal), "test.a", "2.0.0");
                });
                later.start();
            }
        };
        JobStatus end = runToEnd(job(pipeline(A, ""), false, 10));
        assertEquals(State.DONE, end.state(), end.message());
        assertTrue(messages.contains("stage 1 (a): its provider test.a 1.0.0 went away in epoch 2 at minibatch 2;"
                + " waiting up to 10 s for a provider of \"a\" to go on from the last checkpoint"), messages.toString());
        assertTrue(messages.contains("stage 1 (a): provider test.a 2.0.0 takes over"), messages.toString());
        assertTrue(journal.events.contains("restore a 1"), "the new provider's stage starts from epoch 1's checkpoint");
        History.StageEntry a = history().stages.get(0);
        assertEquals(List.of(1, 2, 3), a.epochs.stream().map(History.Epoch::epoch).toList());
        History.Resumed r = a.resumed.get(0);
        assertEquals("its provider went away; another took over", r.why());
        assertEquals(1, r.afterEpoch());
        assertEquals("2.0.0", r.bundleVersion());
    }

    @Test
    void aProviderThatDoesNotComeBackFailsTheJobNamingWhereToResume() throws Exception {
        journal.beforeBatch = (type, epoch, batch) -> {
            if (epoch == 2) {
                stages.unregister("a");
                stages.unregister("b");
                stages.unregister("c");
            }
        };
        JobStatus end = runToEnd(job(pipeline(A, ""), false, 1));
        Path run = dir.resolve("run");
        assertEquals(State.FAILED, end.state());
        assertEquals("stage 1 (a): no provider of \"a\" came back within 1 s; installed: none; the checkpoints stay in "
                + run + " (layerwise:resume " + run + ")", end.message());
        assertEquals("failed", history().status);
        assertTrue(Files.isDirectory(run.resolve("stage-1-a/" + Checkpoints.FOLDER)), "the checkpoint stays to resume from");
    }

    @Test
    void aResumedRunLoadsTheStagesFinishedBeforeAndGoesOnFromTheCheckpoint() throws Exception {
        Path file = pipeline(A + ", " + C, "");
        AtomicReference<PipelineJob> running = new AtomicReference<>();
        journal.beforeBatch = (type, epoch, batch) -> {
            if (type.equals("c") && epoch == 2 && batch == 0) {
                running.get().cancel();
            }
        };
        running.set(job(file, false, 5));
        JobStatus first = runToEnd(running.get());
        assertEquals(State.CANCELLED, first.state(), first.message());
        assertTrue(first.message().startsWith("cancelled by request in stage 2 (c) epoch 2 at minibatch 2"), first.message());

        journal.beforeBatch = (type, epoch, batch) -> { };
        PipelineJob resumed = job(dir.resolve("run/pipeline.json"), true, 5);
        journal.events.clear();
        JobStatus end = runToEnd(resumed);
        assertEquals(State.DONE, end.state(), end.message());
        assertEquals(List.of("create a 16", "restore a 3", "create c 4", "restore c 1", "epoch c 2", "epoch c 3"),
                journal.events, "stage 1 is loaded, not trained again; stage 2 goes on after epoch 1");
        assertTrue(messages.contains("stage 1 (a) finished before the interruption; its saved model is used"));
        History h = history();
        assertTrue(h.resumed.get(0).was().startsWith("cancelled: cancelled by request in stage 2 (c)"), h.resumed.toString());
        History.StageEntry c = h.stages.get(1);
        assertEquals("resume of an interrupted run", c.resumed.get(0).why());
        assertEquals(List.of(1, 2, 3), c.epochs.stream().map(History.Epoch::epoch).toList());
        assertNull(h.stages.get(0).resumed, "a stage finished before the interruption is not resumed");
    }

    @Test
    void fineTuningRunsAfterTheStagesOnTheirEncoderLayers() throws Exception {
        PipelineJob job = job(pipeline(A + ", " + B,
                ", \"finetune\": {\"head\": \"fake\", \"epochs\": 2, \"validation\": 0.25}"), false, 5);
        journal.events.clear();
        JobStatus end = runToEnd(job);
        assertEquals(State.DONE, end.state(), end.message());
        assertEquals(2, end.stage(), "fine-tuning is the step after the last stage");
        assertEquals("finetune", end.stageType());
        assertEquals("finetune 2 layers 16-4 4-2, 4 classes", journal.events.get(journal.events.size() - 1));
        History.FineTuneEntry f = history().finetune;
        assertEquals("fake", f.head);
        assertEquals("test.head", f.bundle);
        assertEquals(30, f.trainSamples, "the last quarter of 40 rows is held out");
        assertEquals(10, f.validationSamples);
        assertEquals(2, f.epochs.size());
        assertEquals(0.25, f.epochs.get(0).valLoss());
        assertEquals(0.7, f.testError, 1e-12, "class 0 for all, right for 3 of 10 test rows");
        assertEquals(30, history().stages.get(0).trainSamples, "the stages train without the held-out rows");
        assertTrue(Files.isRegularFile(dir.resolve("run/finetune/model.json")));
    }

    @Test
    void aStageTypeNotInstalledIsRefusedBeforeAnyOutputNamingTheFieldAndTheInstalledTypes() throws Exception {
        Path file = pipeline(A + ", {\"type\": \"zzz\"}", "");
        var e = assertThrows(PipelineException.class, () -> job(file, false, 5));
        assertEquals(file + ": stages[1].type \"zzz\" is not an installed stage type; installed: a (test.a 1.0.0),"
                + " b (test.b 1.0.0), c (test.c 1.0.0)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("run")));
    }

    @Test
    void aMissingFineTuningHeadIsRefusedNamingTheField() throws Exception {
        Path file = pipeline(A, ", \"finetune\": {\"head\": \"nope\"}");
        var e = assertThrows(PipelineException.class, () -> job(file, false, 5));
        assertEquals(file + ": finetune.head \"nope\" is not an installed fine-tuning head; installed: fake"
                + " (test.head 1.0.0)", e.getMessage());
    }

    @Test
    void aProviderGoneBetweenValidationAndRunFailsTheJobNamingTheStage() throws Exception {
        PipelineJob job = job(pipeline(A + ", " + B, ""), false, 5);
        stages.unregister("b");
        JobStatus end = runToEnd(job);
        assertEquals(State.FAILED, end.state());
        assertEquals("stage 2: no provider of stage type \"b\" is installed now; installed: a (test.a 1.0.0),"
                + " c (test.c 1.0.0)", end.message());
    }

    @Test
    void aProviderThatThrowsWhileCreatingItsStageFailsTheJobNamingItsBundle() throws Exception {
        AtomicInteger created = new AtomicInteger();
        StageProvider real = FakeStages.provider("a", true, journal);
        stages.register("a", new StageProvider() {
            @Override
            public Stage create(Spec spec, StageContext context) {
                if (created.incrementAndGet() > 1) { // validation's creation passes
                    throw new IllegalStateException("boom");
                }
                return real.create(spec, context);
            }

            @Override
            public String describe() {
                return "a";
            }
        }, "test.a", "1.0.0");
        JobStatus end = runToEnd(job(pipeline(A, ""), false, 5));
        assertEquals(State.FAILED, end.state());
        assertEquals("stage 1 (a): its provider test.a 1.0.0 failed to create the stage: boom", end.message());
        assertTrue(Files.readString(dir.resolve("run/run.log")).contains("java.lang.IllegalStateException: boom"),
                "the trace goes to run.log");
    }

    @Test
    void aFailureInAStageNamesTheStageEpochAndWhatTheJobWasDoing() throws Exception {
        journal.beforeBatch = (type, epoch, batch) -> {
            if (epoch == 2) {
                throw new IllegalArgumentException("bad row");
            }
        };
        JobStatus end = runToEnd(job(pipeline(A, ""), false, 5));
        assertEquals(State.FAILED, end.state());
        assertEquals("stage 1 (a) epoch 2 while training: java.lang.IllegalArgumentException: bad row", end.message());
        assertEquals(end.message(), history().message);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
