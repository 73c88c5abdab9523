package io.layerwise.engine.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.pipeline.Job;
import io.layerwise.api.pipeline.JobStatus;
import io.layerwise.api.pipeline.JobStatus.State;
import io.layerwise.api.pipeline.ProgressListener;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * One pipeline run on its own thread: for each stage, looks its provider up (late, so an updated bundle is
 * used), trains or fits it, saves it, and encodes the data for the next stage.
 */
final class PipelineJob implements Job, Runnable {
    private final String id;
    private final PipelineFile pipeline;
    private final List<Map<String, Object>> stageSpecs;
    /** Released when the job ends: the engine keeps finished jobs for their status, not their data. */
    private Dataset data;
    private final RunDirectory run;
    private final ProgressListener listener;
    private final BundleContext bundles;
    private final Installed<StageProvider> providers;
    private final Installed<Regularizer> regularizers;
    private final CountDownLatch done = new CountDownLatch(1);
    /** Set before the job starts when the pipeline has a finetune section. */
    private FineTuneSection fineTune;
    private Installed<FineTuner> tuners;
    private FineTuneStep.Labelled labelled;
    private RunPictures pictures;
    private volatile boolean cancelRequested;
    private boolean resuming;
    /** Set once a stage's provider went away and another took over. */
    private boolean swapped;
    private long swapTimeoutSeconds = 60;
    /** The provider of the stage in training, watched between minibatches. */
    private volatile ServiceReference<StageProvider> currentProvider;
    private volatile JobStatus status;
    /**
     * What the job is doing, for the message when something it did not expect stops it ("drawing pictures") and
     * for running out of memory; with {@link #where()} it reads "stage 2 (rbm) epoch 3 while saving its model".
     */
    private volatile String phase = "starting";
    /** The folder of the stage in progress, to say whether a model of it is kept when the job fails. */
    private volatile Path stageDir;

    PipelineJob(String id, PipelineFile pipeline, List<Map<String, Object>> stageSpecs, Dataset data, RunDirectory run,
            ProgressListener listener, BundleContext bundles, Installed<StageProvider> providers,
            Installed<Regularizer> regularizers) {
        this.id = id;
        this.pipeline = pipeline;
        this.stageSpecs = stageSpecs;
        this.data = data;
        this.run = run;
        this.listener = listener == null ? new ProgressListener() { } : listener;
        this.bundles = bundles;
        this.providers = providers;
        this.regularizers = regularizers;
        this.status = new JobStatus(id, pipeline.name, run.dir, State.RUNNING, -1, stageSpecs.size(), "", 0, 0,
                Double.NaN, null);
    }

    /** Go on with an interrupted run in its own directory: finished stages load their models, the stage in progress resumes from its newest checkpoint. */
    void resuming() {
        this.resuming = true;
    }

    /** Fine-tune after the stages; {@code labelled} holds the same training rows as the job's data, with labels. */
    void fineTuneAfterStages(FineTuneSection section, Installed<FineTuner> tuners, FineTuneStep.Labelled labelled) {
        this.fineTune = section;
        this.tuners = tuners;
        this.labelled = labelled;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public JobStatus status() {
        return status;
    }

    @Override
    public JobStatus await() throws InterruptedException {
        done.await();
        return status;
    }

    @Override
    public void cancel() {
        cancelRequested = true;
    }

    @Override
    public void run() {
        String threadName = Thread.currentThread().getName();
        Thread.currentThread().setName("layerwise-job-" + id);
        Ending end;
        try {
            log("run " + id + " of " + pipeline.file + " into " + run.dir + " (data: " + data.description() + ")");
            if (run.lockNote() != null) {
                log(run.lockNote());
            }
            runStages();
            end = new Ending(State.DONE, null, "done");
        } catch (Cancelled e) {
            end = new Ending(State.CANCELLED, "cancelled by request in " + e.getMessage(), "cancelled");
        } catch (StageFailure e) {
            end = new Ending(State.FAILED, e.getMessage(), "failed");
        } catch (SpecException e) {
            // a stage's fields (or its memory estimate) refused when the stage was made again: a new provider, a resume
            end = new Ending(State.FAILED, pipeline.file + ": " + e.getMessage(), "failed");
        } catch (OutOfMemoryError e) {
            end = new Ending(State.FAILED, outOfMemory(e), "failed");
        } catch (Throwable e) {
            if (cancelRequested) {
                // asked to stop (the engine's bundle stopping invalidates the context the job works with) and stopped by
                // that before the next minibatch noticed: a cancellation, resumable like any other
                logTrace(e);
                end = new Ending(State.CANCELLED, "cancelled by request in " + where() + " (" + oneLine(e) + ")",
                        "cancelled");
            } else {
                // A plug-in's bug, or an Error (out of memory, a class gone, an assertion): name the stage and what the
                // job was doing, keep the trace in run.log only.
                end = new Ending(State.FAILED, unexpected(e), "failed");
            }
        }
        try {
            finish(end);
        } finally {
            // The job's ND4J arrays live in native memory that is freed only when the GC finds their small Java
            // handles dead. With a heap this quiet that can take dozens of jobs, and the native allocator keeps the
            // high-water mark: ask for the collection now (measured in the soak test: +40 MiB RSS over 40 runs without).
            System.gc();
            Thread.currentThread().setName(threadName);
            done.countDown();
        }
    }

    /** How a job ended: its final state, the one-line reason (null when done), and the word history.json records. */
    private record Ending(State state, String message, String word) {
    }

    /**
     * One line for a Throwable the job did not expect: where it was ({@code stage 2 (rbm) epoch 3}), what it was doing
     * ({@link #phase}) and the Throwable itself; its trace goes to run.log. Never throws, whatever the Throwable.
     */
    private String unexpected(Throwable e) {
        logTrace(e);
        try {
            return where() + " while " + phase + ": " + oneLine(e);
        } catch (Throwable again) {
            return "pipeline " + pipeline.name + ": " + e.getClass().getName();
        }
    }

    /** {@code e}'s stack trace into run.log, if the log can take it (a full disk, no memory left): never throws. */
    private void logTrace(Throwable e) {
        try {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            run.log(trace.toString());
        } catch (Throwable again) {
            // the one-line message still says what happened
        }
    }

    /** {@code e}'s class and message on one line (a message may hold line breaks). */
    static String oneLine(Throwable e) {
        return String.valueOf(e).strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Every way out of the job comes here exactly once: the run's own pictures (report.html), then history.json with
     * the final status, then the run directory's lock is released, and only then the job's status changes, so that
     * whoever sees the job finished finds its record complete and the directory free. Each step is guarded, so that
     * none can keep the job from ending: an Error while drawing the run's pictures fails a run that was done, and is
     * logged beside an earlier failure.
     */
    private void finish(Ending end) {
        try {
            if (pictures != null) {
                phase = "drawing the run's pictures";
                pictures.afterJob(end.word()); // before the status says finished, so a finished run has its report
                pictures.trustworthiness().forEach(run::put);
            }
        } catch (Throwable e) {
            String message = unexpected(e);
            if (end.state() == State.DONE) {
                end = new Ending(State.FAILED, message, "failed");
            } else {
                quietly(() -> log("also: " + message));
            }
        }
        Ending ending = end;
        data = null;
        labelled = null;
        pictures = null; // it holds up to 2,500 test rows and their codes
        if (ending.state() != State.DONE) {
            quietly(run::removeIncompleteFolders);
        }
        quietly(() -> log(ending.message() == null ? "finished: " + ending.word() : ending.word() + ": " + ending.message()));
        try {
            run.finish(ending.word(), ending.message());
        } catch (Throwable e) {
            quietly(() -> log("could not write history.json: " + oneLine(e)));
        }
        quietly(run::close); // before the status says finished: whoever sees that may resume the run at once
        JobStatus s = status;
        status = new JobStatus(id, pipeline.name, run.dir, ending.state(), s.stage(), s.stageCount(), s.stageType(),
                s.epoch(), s.epochs(), s.lastLoss(), ending.message(), s.done(), s.total(), s.meanLoss(), Double.NaN,
                s.valLoss());
    }

    /** Runs a step of the job's ending that must not keep the others from running. */
    private static void quietly(Runnable step) {
        try {
            step.run();
        } catch (Throwable e) {
            // nothing more can be done about it here; the job's state and history.json come first
        }
    }

    /** One line for running out of memory anyway: where, doing what, the limits, and any model kept; trace to run.log. */
    private String outOfMemory(OutOfMemoryError e) {
        logTrace(e);
        try {
            return where() + ": " + MemoryBudget.outOfMemory(phase, e) + kept();
        } catch (Throwable again) {
            return where() + ": " + oneLine(e);
        }
    }

    /** Where the model of the stage in progress is kept, when one was saved before the failure. */
    private String kept() {
        Path dir = stageDir;
        return dir != null && Files.isRegularFile(dir.resolve("model.json"))
                ? "; the model of the last finished epoch is kept in " + dir : "";
    }

    private String where() {
        JobStatus s = status;
        return s.stage() < 0 ? "pipeline " + pipeline.name
                : "stage " + (s.stage() + 1) + " (" + s.stageType() + ")" + (s.epoch() > 0 ? " epoch " + s.epoch() : "");
    }

    private void runStages() throws IOException, StageFailure, Cancelled {
        FloatMatrix train = data.train();
        FloatMatrix test = data.test();
        String range = data.valueRange();
        phase = "setting up";
        ScalingFile.write(run.dir, data.scaling());
        pictures = new RunPictures(run.dir, data, stageSpecs.size(), fineTune != null && fineTune.unroll(), this::log);
        List<DenseLayer> encoders = new ArrayList<>();
        List<DenseLayer> decoders = new ArrayList<>();
        long dataBytes = MemoryBudget.bytes(data.train(), data.test());
        long keptBytes = 0; // encoders and decoders kept for fine-tuning
        for (int i = 0; i < stageSpecs.size(); i++) {
            Map<String, Object> raw = stageSpecs.get(i);
            String type = PipelineFile.stageType(raw);
            int stageNo = i + 1;
            setStatus(i, type, 0, 0, Double.NaN);
            ServiceReference<StageProvider> ref = providers.find(type).orElseThrow(() -> new StageFailure(
                    "stage " + stageNo + ": no provider of stage type \"" + type + "\" is installed now; installed: "
                            + providers.listing()));
            boolean again = resuming;
            for (;;) {
                StageProvider provider = bundles.getService(ref);
                Bundle from = ref.getBundle();
                if (provider == null || from == null) { // gone between lookup and use (a bundle refreshed twice)
                    Installed.release(bundles, ref);
                    ref = awaitProvider(i, type);
                    continue;
                }
                currentProvider = ref;
                String bundle = from.getSymbolicName();
                String version = from.getVersion().toString();
                Spec spec = new Spec("stages[" + i + "]", raw);
                int rows = Math.max(train.rows(), test == null ? 0 : test.rows());
                MemoryBudget budget = new MemoryBudget(MemoryBudget.Limits.ofThisJvm(), "stage " + stageNo + " (" + type
                        + ")", MemoryBudget.Held.training(dataBytes + (i == 0 ? 0 : MemoryBudget.bytes(train, test)),
                        MemoryBudget.restoreBest(raw), fineTune != null, keptBytes));
                phase = "creating the stage";
                stageDir = null;
                try (EngineStageContext context = new EngineStageContext(bundles, regularizers, train.cols(), range,
                        pipeline.seed + i, this::log).withMemory(rows, budget);
                        Stage stage = ProviderFailure.create(provider, ref, i, type, spec, context)) {
                    log("stage " + (i + 1) + "/" + stageSpecs.size() + ": " + type + " " + stage.inputSize() + " -> "
                            + stage.outputSize() + " from " + bundle + " " + version);
                    Map<String, Object> info = new LinkedHashMap<>();
                    info.put("index", i + 1);
                    info.put("type", type);
                    info.put("bundle", bundle);
                    info.put("bundleVersion", version);
                    info.put("inputSize", stage.inputSize());
                    info.put("outputSize", stage.outputSize());
                    info.put("trainSamples", train.rows());
                    info.put("testSamples", test == null ? 0 : test.rows());
                    info.put("started", Instant.now().toString());
                    Map<String, Object> previous = again ? run.stageEntry(i) : null;
                    Path stageDir = run.stageDir(i, type);
                    this.stageDir = stageDir;
                    boolean kept = previous != null && previous.containsKey("finished");
                    Map<String, Object> history = null;
                    if (kept) {
                        phase = "loading its saved model";
                        stage.restore(ModelFiles.read(stageDir).parameters());
                        log("stage " + (i + 1) + " (" + type + ") finished before the interruption; its saved model is used");
                    } else {
                        history = previous != null ? resumedStage(previous, bundle, version, resuming && !swapped)
                                : run.beginStage(info);
                        Map<String, Object> header = new LinkedHashMap<>(info);
                        header.remove("index");
                        header.remove("started");
                        header.put("inputRange", range);
                        header.put("outputRange", stage.outputRange());
                        header.put("spec", raw);
                        if (stage.trainable() && fineTune != null && !fineTune.pretrain()) {
                            log("stage " + (i + 1) + " (" + type + ") keeps its random initialisation (finetune.pretrain false)");
                            phase = "saving its model";
                            save(stage, stageDir, header);
                        } else if (stage.trainable()) {
                            phase = "training";
                            train(i, type, stage, TrainControl.read(spec), train, test, history, stageDir, header, context, again);
                        } else {
                            ((List<?>) history.get("epochs")).clear(); // a fit interrupted by resume starts over
                            phase = "fitting";
                            long t0 = System.nanoTime();
                            stage.fit(train);
                            double seconds = (System.nanoTime() - t0) / 1e9;
                            // a fitted stage may choose its width from the data (pca's retainedVariance)
                            history.put("outputSize", stage.outputSize());
                            header.put("outputSize", stage.outputSize());
                            Map<String, Object> epoch = new LinkedHashMap<>();
                            epoch.put("epoch", 1);
                            epoch.put("seconds", seconds);
                            epoch.put("metrics", FilterConcentration.addTo(test == null ? Map.of() : stage.evaluate(test), stage));
                            run.addEpoch(history, epoch);
                            phase = "saving its model";
                            save(stage, stageDir, header);
                        }
                        phase = "drawing pictures";
                        pictures.afterStage(i, stage, stageDir, test != null ? test : train);
                    }
                    if (fineTune != null) {
                        encoders.add(stage.encoderLayer());
                        decoders.add(stage.decoderLayer());
                        keptBytes += context.reserved() == null ? 0 : 2 * context.reserved().parameterBytes();
                    }
                    phase = "encoding its output for the next stage";
                    train = stage.encode(train);
                    test = test == null ? null : stage.encode(test);
                    range = stage.outputRange();
                    if (!kept) {
                        phase = "writing history.json";
                        history.put("finished", Instant.now().toString());
                        run.writeHistory();
                        Checkpoints.removeAll(stageDir); // the saved model is complete: nothing left to resume
                    }
                    break;
                } catch (ProviderGone e) {
                    logProviderGone(i, type, bundle, version, "in " + e.getMessage());
                } catch (ProviderFailure e) {
                    if (ref.getBundle() != null) {
                        StringWriter trace = new StringWriter();
                        e.getCause().printStackTrace(new PrintWriter(trace));
                        run.log(trace.toString());
                        throw new StageFailure(e.getMessage());
                    }
                    logProviderGone(i, type, bundle, version, "while its stage was created (" + e.getCause() + ")");
                } catch (RuntimeException | LinkageError e) {
                    if (ref.getBundle() != null) {
                        throw e;
                    }
                    // its bundle went while the provider's code ran, before the epoch loop could notice: a class of
                    // the old wiring no longer loads. The same as going away between minibatches.
                    logProviderGone(i, type, bundle, version, "while its stage was set up (" + e + ")");
                } finally {
                    currentProvider = null;
                    Installed.release(bundles, ref);
                }
                // the old stage is closed and its provider released: nothing of the old bundle is held any more
                ref = awaitProvider(i, type);
                again = true;
                swapped = true;
            }
        }
        if (fineTune != null) {
            setStatus(stageSpecs.size(), "finetune", 0, 0, Double.NaN);
            stageDir = null;
            int index = stageSpecs.size();
            phase = "fine-tuning";
            new FineTuneStep(bundles, tuners, providers, regularizers, run, listener, () -> cancelRequested, this::log,
                    (epoch, epochs, done, total, mean, eta, last, val) -> progress(index, "finetune", epoch, epochs, done,
                            total, mean, eta, last, val))
                    .run(fineTune, encoders, decoders, labelled, pipeline.seed + stageSpecs.size(), stageSpecs.size());
        }
    }

    private void logProviderGone(int index, String type, String bundle, String version, String when) {
        log("stage " + (index + 1) + " (" + type + "): its provider " + bundle + " " + version + " went away " + when
                + "; waiting up to " + swapTimeoutSeconds + " s for a provider of \"" + type
                + "\" to go on from the last checkpoint");
    }

    private void train(int index, String type, Stage stage, TrainControl control, FloatMatrix train, FloatMatrix test,
            Map<String, Object> history, Path stageDir, Map<String, Object> header, EngineStageContext context,
            boolean again) throws IOException, StageFailure, Cancelled, ProviderGone {
        EpochLoop.Host host = new EpochLoop.Host() {
            @Override
            public boolean cancelRequested() {
                return cancelRequested;
            }

            @Override
            public boolean providerGone() {
                ServiceReference<StageProvider> ref = currentProvider;
                return ref != null && ref.getBundle() == null; // unregistered: its bundle stopped or is updating
            }

            @Override
            public void progress(int epoch, int epochs, int done, int total, double meanLoss, double etaSeconds,
                    double lastLoss, double valLoss) {
                PipelineJob.this.progress(index, type, epoch, epochs, done, total, meanLoss, etaSeconds, lastLoss,
                        valLoss);
            }

            @Override
            public void save(List<Parameter> parameters) throws IOException {
                ModelFiles.write(stageDir, header, parameters);
            }

            @Override
            public void epochDone(int epoch) {
                pictures.afterEpoch(index, stage, stageDir, epoch); // the loop said "drawing pictures" before
            }

            @Override
            public void log(String line) {
                PipelineJob.this.log(line);
            }

            @Override
            public void doing(String what) {
                phase = what;
            }
        };
        Checkpoints.Checkpoint from = null;
        if (again) {
            // Every checkpoint counts, those inside the first epoch too: a run killed there has no finished epoch (and
            // perhaps no entry in history.json yet), but a checkpoint after minibatch N of epoch 1 to go on from.
            boolean begun = history.get("epochs") instanceof List<?> d && !d.isEmpty() || history.containsKey("resumed")
                    || Files.isDirectory(stageDir.resolve(Checkpoints.FOLDER));
            from = Checkpoints.latest(stageDir, this::log).orElse(null);
            int keep = from == null ? 0 : from.epoch();
            if (history.get("epochs") instanceof List<?> done) {
                done.removeIf(e -> !(e instanceof Map<?, ?> m && m.get("epoch") instanceof Number n && n.intValue() <= keep));
            }
            if (from == null && begun) {
                log("stage " + (index + 1) + " (" + type + ") has no usable checkpoint; it trains again from the start");
            }
        }
        new EpochLoop(index, type, stage, control, run, listener, stageDir, context.penalties(), host)
                .run(train, test, pipeline.seed + index, history, from);
    }

    /** Seconds this job waits for a stage type's provider to come back (the engine's swapTimeoutSeconds). */
    void swapTimeout(long seconds) {
        swapTimeoutSeconds = seconds;
    }

    /** Waits (bounded) for a provider of {@code type}; the job fails naming the checkpoint to resume from if none comes. */
    private ServiceReference<StageProvider> awaitProvider(int index, String type) throws StageFailure, Cancelled {
        long timeout = swapTimeoutSeconds;
        long deadline = System.nanoTime() + timeout * 1_000_000_000L;
        while (true) {
            var ref = providers.find(type);
            if (ref.isPresent() && ref.get().getBundle() != null) {
                log("stage " + (index + 1) + " (" + type + "): provider " + ref.get().getBundle().getSymbolicName() + " "
                        + ref.get().getBundle().getVersion() + " takes over");
                return ref.get();
            }
            if (cancelRequested) {
                throw new Cancelled("stage " + (index + 1) + " (" + type + ") while waiting for its provider");
            }
            if (System.nanoTime() > deadline) {
                Path dir = run.dir;
                throw new StageFailure("stage " + (index + 1) + " (" + type + "): no provider of \"" + type
                        + "\" came back within " + timeout + " s; installed: " + providers.listing()
                        + "; the checkpoints stay in " + dir + " (layerwise:resume " + dir + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cancelled("stage " + (index + 1) + " (" + type + ") while waiting for its provider");
            }
        }
    }

    /** The history entry of the stage that was in progress, noting which bundle goes on with it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> resumedStage(Map<String, Object> entry, String bundle, String version,
            boolean afterInterruption) {
        List<Object> resumed = entry.get("resumed") instanceof List<?> l ? (List<Object>) l : new ArrayList<>();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("at", Instant.now().toString());
        r.put("why", afterInterruption ? "resume of an interrupted run" : "its provider went away; another took over");
        r.put("afterEpoch", entry.get("epochs") instanceof List<?> done ? done.size() : 0);
        r.put("bundle", bundle);
        r.put("bundleVersion", version);
        resumed.add(r);
        entry.put("resumed", resumed);
        if (!(entry.get("epochs") instanceof List<?>)) {
            entry.put("epochs", new ArrayList<>());
        }
        return entry;
    }

    private void save(Stage stage, Path stageDir, Map<String, Object> header) throws IOException {
        List<Parameter> params = stage.parameters();
        ModelFiles.write(stageDir, header, params);
    }

    private void setStatus(int stage, String type, int epoch, int epochs, double loss) {
        status = new JobStatus(id, pipeline.name, run.dir, State.RUNNING, stage, stageSpecs.size(), type, epoch, epochs,
                loss, null);
    }

    private void progress(int stage, String type, int epoch, int epochs, int done, int total, double meanLoss,
            double etaSeconds, double lastLoss, double valLoss) {
        status = new JobStatus(id, pipeline.name, run.dir, State.RUNNING, stage, stageSpecs.size(), type, epoch, epochs,
                lastLoss, null, done, total, meanLoss, etaSeconds, valLoss);
    }

    private void log(String line) {
        run.log(Instant.now() + " " + line);
        listener.message(line);
    }

    /** A failure with a complete, user-facing message. */
    static final class StageFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StageFailure(String message) {
            super(message);
        }
    }

    /** The provider of the stage in training went away; the epoch in progress is abandoned. */
    static final class ProviderGone extends Exception {
        private static final long serialVersionUID = 1L;

        ProviderGone(String where) {
            super(where);
        }
    }

    static final class Cancelled extends Exception {
        private static final long serialVersionUID = 1L;

        Cancelled(String where) {
            super(where);
        }
    }
}
