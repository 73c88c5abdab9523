package io.layerwise.engine.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.pipeline.Job;
import io.layerwise.api.pipeline.JobStatus;
import io.layerwise.api.pipeline.JobStatus.State;
import io.layerwise.api.pipeline.ProgressListener;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
    private volatile JobStatus status;

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
        try {
            log("run " + id + " of " + pipeline.file + " into " + run.dir + " (data: " + data.description() + ")");
            runStages();
            finish(State.DONE, null, "done");
        } catch (Cancelled e) {
            finish(State.CANCELLED, "cancelled by request in " + e.getMessage(), "cancelled");
        } catch (StageFailure e) {
            finish(State.FAILED, e.getMessage(), "failed");
        } catch (Throwable e) {
            // A plug-in's bug: name the stage and bundle, keep the trace in run.log only.
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            run.log(trace.toString());
            finish(State.FAILED, where() + ": " + e, "failed");
        } finally {
            data = null;
            labelled = null;
            pictures = null; // it holds up to 2,500 test rows and their codes
            if (status.state() != State.DONE) {
                run.removeIncompleteFolders();
            }
            Thread.currentThread().setName(threadName);
            done.countDown();
        }
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
        pictures = new RunPictures(run.dir, data, stageSpecs.size(), fineTune != null && fineTune.unroll(), this::log);
        List<DenseLayer> encoders = new ArrayList<>();
        List<DenseLayer> decoders = new ArrayList<>();
        for (int i = 0; i < stageSpecs.size(); i++) {
            Map<String, Object> raw = stageSpecs.get(i);
            String type = PipelineFile.stageType(raw);
            int stageNo = i + 1;
            setStatus(i, type, 0, 0, Double.NaN);
            ServiceReference<StageProvider> ref = providers.find(type).orElseThrow(() -> new StageFailure(
                    "stage " + stageNo + ": no provider of stage type \"" + type + "\" is installed now; installed: "
                            + providers.listing()));
            StageProvider provider = bundles.getService(ref);
            if (provider == null) {
                throw new StageFailure("stage " + (i + 1) + ": the provider of \"" + type + "\" went away");
            }
            String bundle = ref.getBundle().getSymbolicName();
            String version = ref.getBundle().getVersion().toString();
            Spec spec = new Spec("stages[" + i + "]", raw);
            try (EngineStageContext context = new EngineStageContext(bundles, regularizers, train.cols(), range,
                    pipeline.seed + i, this::log);
                    Stage stage = provider.create(spec, context)) {
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
                Map<String, Object> history = run.beginStage(info);
                Path stageDir = run.stageDir(i, type);
                Map<String, Object> header = new LinkedHashMap<>(info);
                header.remove("index");
                header.remove("started");
                header.put("inputRange", range);
                header.put("outputRange", stage.outputRange());
                header.put("spec", raw);
                if (stage.trainable() && fineTune != null && !fineTune.pretrain()) {
                    log("stage " + (i + 1) + " (" + type + ") keeps its random initialisation (finetune.pretrain false)");
                    save(stage, stageDir, header);
                } else if (stage.trainable()) {
                    train(i, type, stage, TrainControl.read(spec), train, test, history, stageDir, header, context);
                } else {
                    long t0 = System.nanoTime();
                    stage.fit(train);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    // a fitted stage may choose its width from the data (pca's retainedVariance)
                    history.put("outputSize", stage.outputSize());
                    header.put("outputSize", stage.outputSize());
                    Map<String, Object> epoch = new LinkedHashMap<>();
                    epoch.put("epoch", 1);
                    epoch.put("seconds", seconds);
                    epoch.put("metrics", test == null ? Map.of() : stage.evaluate(test));
                    run.addEpoch(history, epoch);
                    save(stage, stageDir, header);
                }
                pictures.afterStage(i, stage, stageDir, test != null ? test : train);
                if (fineTune != null) {
                    encoders.add(stage.encoderLayer());
                    decoders.add(stage.decoderLayer());
                }
                train = stage.encode(train);
                test = test == null ? null : stage.encode(test);
                range = stage.outputRange();
                history.put("finished", Instant.now().toString());
                run.writeHistory();
            } finally {
                Installed.release(bundles, ref);
            }
        }
        if (fineTune != null) {
            setStatus(stageSpecs.size(), "finetune", 0, 0, Double.NaN);
            int index = stageSpecs.size();
            new FineTuneStep(bundles, tuners, providers, regularizers, run, listener, () -> cancelRequested, this::log,
                    (epoch, epochs, done, total, mean, eta, last, val) -> progress(index, "finetune", epoch, epochs, done,
                            total, mean, eta, last, val))
                    .run(fineTune, encoders, decoders, labelled, pipeline.seed + stageSpecs.size(), stageSpecs.size());
        }
    }

    private void train(int index, String type, Stage stage, TrainControl control, FloatMatrix train, FloatMatrix test,
            Map<String, Object> history, Path stageDir, Map<String, Object> header, EngineStageContext context)
            throws IOException, StageFailure, Cancelled {
        EpochLoop.Host host = new EpochLoop.Host() {
            @Override
            public boolean cancelRequested() {
                return cancelRequested;
            }

            @Override
            public void progress(int epoch, int epochs, int done, int total, double meanLoss, double etaSeconds,
                    double lastLoss, double valLoss) {
                PipelineJob.this.progress(index, type, epoch, epochs, done, total, meanLoss, etaSeconds, lastLoss,
                        valLoss);
            }

            @Override
            public void save() throws IOException {
                PipelineJob.this.save(stage, stageDir, header);
            }

            @Override
            public void epochDone(int epoch) {
                pictures.afterEpoch(index, stage, stageDir, epoch);
            }

            @Override
            public void log(String line) {
                PipelineJob.this.log(line);
            }
        };
        new EpochLoop(index, type, stage, control, run, listener, stageDir, context.penalties(), host)
                .run(train, test, pipeline.seed + index, history);
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

    private void finish(State state, String message, String word) {
        if (pictures != null) {
            pictures.afterJob(word); // before the status says finished, so a finished run has its report
        }
        JobStatus s = status;
        status = new JobStatus(id, pipeline.name, run.dir, state, s.stage(), s.stageCount(), s.stageType(), s.epoch(),
                s.epochs(), s.lastLoss(), message, s.done(), s.total(), s.meanLoss(), Double.NaN, s.valLoss());
        log(message == null ? "finished: " + word : word + ": " + message);
        try {
            run.finish(word, message);
        } catch (IOException e) {
            log("could not write history.json: " + e.getMessage());
        }
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

    static final class Cancelled extends Exception {
        private static final long serialVersionUID = 1L;

        Cancelled(String where) {
            super(where);
        }
    }
}
