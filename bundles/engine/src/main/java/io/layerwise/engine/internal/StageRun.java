package io.layerwise.engine.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.engine.internal.PipelinePlan.StagePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stage's run with one provider: creates the stage, then restores the model a resumed run finished before, or
 * trains it (going on from its newest checkpoint when resumed) or fits it, evaluates it, draws its pictures and saves
 * it; finally encodes its input for the next stage, if there is one. A provider that goes away meanwhile ends the run
 * with {@link ProviderGone}; {@link StageSequence} then waits for another and runs the stage again.
 */
final class StageRun {
    /** A stage's input: its training rows, its test rows (null when the data source has none) and their range. */
    record Input(FloatMatrix train, FloatMatrix test, String range) {
    }

    /**
     * The next stage's input (null after the last stage) and, when the pipeline fine-tunes, this stage's layers and
     * the bytes they keep (else null and 0).
     */
    record Output(Input next, DenseLayer encoder, DenseLayer decoder, long keptBytes) {
    }

    private final PipelinePlan pipeline;
    private final StagePlan plan;
    private final Plugins plugins;
    private final RunDirectory run;
    private final RunPictures pictures;
    private final JobHooks job;

    StageRun(PipelinePlan pipeline, StagePlan plan, Plugins plugins, RunDirectory run, RunPictures pictures,
            JobHooks job) {
        this.pipeline = pipeline;
        this.plan = plan;
        this.plugins = plugins;
        this.run = run;
        this.pictures = pictures;
        this.job = job;
    }

    /**
     * @param dataBytes         the bytes of the data set the job holds
     * @param keptBytes         the bytes of earlier stages' layers kept for fine-tuning
     * @param again             the stage may have begun before (a resume, another provider): look for its record
     * @param afterInterruption why it goes on, for history.json: a resumed run (else a provider that went away)
     */
    Output run(Lookup.Held<StageProvider> provider, Input in, long dataBytes, long keptBytes, boolean again,
            boolean afterInterruption) throws IOException, StageFailure, Cancelled, ProviderGone, ProviderFailure {
        int i = plan.index();
        FloatMatrix train = in.train();
        FloatMatrix test = in.test();
        int rows = Math.max(train.rows(), test == null ? 0 : test.rows());
        MemoryBudget budget = new MemoryBudget(MemoryBudget.Limits.ofThisJvm(), plan.title(), MemoryBudget.Held.training(
                dataBytes + (i == 0 ? 0 : MemoryBudget.bytes(train, test)), MemoryBudget.restoreBest(plan.spec()),
                pipeline.fineTunes(), keptBytes));
        job.doing("creating the stage");
        job.stageDir(null);
        Spec spec = new Spec(plan.path(), plan.spec());
        try (EngineStageContext context = new EngineStageContext(plugins.regularizers(), train.cols(), in.range(),
                pipeline.seed() + i, job::log).withMemory(rows, budget);
                Stage stage = ProviderFailure.create(provider, i, plan.type(), spec, context)) {
            job.log("stage " + (i + 1) + "/" + pipeline.stages().size() + ": " + plan.type() + " " + stage.inputSize()
                    + " -> " + stage.outputSize() + " from " + provider.bundleAndVersion());
            History.StageEntry previous = again ? run.stageEntry(i) : null;
            Path stageDir = run.stageDir(i, plan.type());
            job.stageDir(stageDir);
            boolean kept = previous != null && previous.finished();
            History.StageEntry history = previous;
            if (kept) {
                job.doing("loading its saved model");
                stage.restore(ModelFiles.read(stageDir).parameters());
                job.log(plan.title() + " finished before the interruption; its saved model is used");
            } else {
                if (previous != null) {
                    previous.resumedBy(provider.bundle(), provider.version(), afterInterruption);
                } else {
                    history = run.beginStage(entry(provider, stage, in));
                }
                Map<String, Object> header = header(provider, stage, in);
                FineTuneSection fineTune = pipeline.fineTune();
                if (stage.trainable() && fineTune != null && !fineTune.pretrain()) {
                    job.log(plan.title() + " keeps its random initialisation (finetune.pretrain false)");
                    job.doing("saving its model");
                    ModelFiles.write(stageDir, header, stage.parameters());
                } else if (stage.trainable()) {
                    job.doing("training");
                    TrainControl control = plan.control() != null ? plan.control() : TrainControl.read(spec);
                    train(provider, stage, control, in, history, stageDir, header, context, again);
                } else {
                    fit(stage, in, history, stageDir, header);
                }
                job.doing("drawing pictures");
                pictures.afterStage(i, stage, stageDir, test != null ? test : train);
            }
            boolean keep = pipeline.fineTunes(); // fine-tuning starts from every stage's layers
            DenseLayer encoder = keep ? stage.encoderLayer() : null;
            DenseLayer decoder = keep ? stage.decoderLayer() : null;
            long keptNow = keep && context.reserved() != null ? 2 * context.reserved().parameterBytes() : 0;
            // the last stage's codes would go nowhere (fine-tuning starts from the data): 480 MB for a 784-2000 stage on
            // 60,000 rows, the peak RSS of such a run (docs/performance.md, "Full-size data")
            Input next = null;
            if (i < pipeline.stages().size() - 1) {
                job.doing("encoding its output for the next stage");
                next = new Input(stage.encode(train), test == null ? null : stage.encode(test), stage.outputRange());
            }
            if (!kept) {
                job.doing("writing history.json");
                history.finished = Instant.now().toString();
                run.writeHistory();
                Checkpoints.removeAll(stageDir); // the saved model is complete: nothing left to resume
            }
            return new Output(next, encoder, decoder, keptNow);
        }
    }

    /** The stage's new entry in history.json. */
    private History.StageEntry entry(Lookup.Held<StageProvider> provider, Stage stage, Input in) {
        History.StageEntry e = new History.StageEntry();
        e.index = plan.index() + 1;
        e.type = plan.type();
        e.bundle = provider.bundle();
        e.bundleVersion = provider.version();
        e.inputSize = stage.inputSize();
        e.outputSize = stage.outputSize();
        e.trainSamples = in.train().rows();
        e.testSamples = in.test() == null ? 0 : in.test().rows();
        e.started = Instant.now().toString();
        return e;
    }

    /** model.json's header: who made the stage, its sizes and ranges, and its spec. */
    private Map<String, Object> header(Lookup.Held<StageProvider> provider, Stage stage, Input in) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("type", plan.type());
        h.put("bundle", provider.bundle());
        h.put("bundleVersion", provider.version());
        h.put("inputSize", stage.inputSize());
        h.put("outputSize", stage.outputSize());
        h.put("trainSamples", in.train().rows());
        h.put("testSamples", in.test() == null ? 0 : in.test().rows());
        h.put("inputRange", in.range());
        h.put("outputRange", stage.outputRange());
        h.put("spec", plan.spec());
        return h;
    }

    /** A stage fitted in one go (pca, whitening): one record, and its width may come from the data. */
    private void fit(Stage stage, Input in, History.StageEntry history, Path stageDir, Map<String, Object> header)
            throws IOException, StageFailure, Cancelled {
        history.epochs.clear(); // a fit interrupted by resume starts over
        job.doing("fitting");
        long t0 = System.nanoTime();
        // on Spark: fitted here on rows with the mean and covariance that the executors summed
        stage.fit(pipeline.spark() != null ? new SparkTraining(pipeline, plan, run, job).fitRows(in, stageDir)
                : in.train());
        double seconds = (System.nanoTime() - t0) / 1e9;
        // a fitted stage may choose its width from the data (pca's retainedVariance)
        history.outputSize = stage.outputSize();
        header.put("outputSize", stage.outputSize());
        Map<String, Double> metrics = FilterConcentration.addTo(in.test() == null ? Map.of() : stage.evaluate(in.test()),
                stage);
        run.addEpoch(history, new History.Epoch(1, null, null, null, seconds, metrics));
        job.doing("saving its model");
        ModelFiles.write(stageDir, header, stage.parameters());
    }

    private void train(Lookup.Held<StageProvider> provider, Stage stage, TrainControl control, Input in,
            History.StageEntry history, Path stageDir, Map<String, Object> header, EngineStageContext context,
            boolean again) throws IOException, StageFailure, Cancelled, ProviderGone {
        int index = plan.index();
        StageHost host = new StageHost() {
            @Override
            public boolean cancelRequested() {
                return job.cancelRequested();
            }

            @Override
            public boolean providerGone() {
                return provider.gone(); // unregistered: its bundle stopped or is updating
            }

            @Override
            public void progress(int epoch, int epochs, int done, int total, double meanLoss, double etaSeconds,
                    double lastLoss, double valLoss) {
                job.progress(index, plan.type(), epoch, epochs, done, total, meanLoss, etaSeconds, lastLoss, valLoss);
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
                job.log(line);
            }

            @Override
            public void doing(String what) {
                job.doing(what);
            }
        };
        if (pipeline.spark() != null) {
            new SparkTraining(pipeline, plan, run, job).train(stage, in, history, stageDir, again);
            host.save(stage.parameters());
            return;
        }
        Checkpoints.Checkpoint from = null;
        if (again) {
            // Every checkpoint counts, those inside the first epoch too: a run killed there has no finished epoch (and
            // perhaps no entry in history.json yet), but a checkpoint after minibatch N of epoch 1 to go on from.
            boolean begun = !history.epochs.isEmpty() || history.resumed != null
                    || Files.isDirectory(stageDir.resolve(Checkpoints.FOLDER));
            from = Checkpoints.latest(stageDir, job::log).orElse(null);
            int keep = from == null ? 0 : from.epoch();
            history.epochs.removeIf(e -> e.epoch() > keep);
            if (from == null && begun) {
                job.log(plan.title() + " has no usable checkpoint; it trains again from the start");
            }
        }
        new EpochLoop(index, plan.type(), stage, control, run, job.listener(), stageDir, context.penalties(), host)
                .run(in.train(), in.test(), pipeline.seed() + index, history, from);
    }
}
