package io.layerwise.engine.internal;

import io.layerwise.api.backend.Backend;
import io.layerwise.api.backend.BlasCheck;
import io.layerwise.api.config.Configured;
import io.layerwise.api.config.Settings;
import io.layerwise.api.config.TypedConfig;
import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.finetune.Network;
import io.layerwise.api.pipeline.Encoding;
import io.layerwise.api.pipeline.Evaluation;
import io.layerwise.api.pipeline.Job;
import io.layerwise.api.pipeline.JobStatus;
import io.layerwise.api.pipeline.PipelineException;
import io.layerwise.api.pipeline.PipelineRunner;
import io.layerwise.api.pipeline.ProgressListener;
import io.layerwise.api.pipeline.RunOptions;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The pipeline engine. {@link #submit} does everything that can fail on bad input before any output exists:
 * parse the file, find the data source and every stage type, load the data, and create every stage once to
 * validate its fields and chain the sizes. Only then does it create the run directory and start the job.
 * Immediate, because SCR disposes a delayed component when its last user goes: restarting the shell bundle
 * would otherwise cancel every running job. Its settings ({@link EngineConfig}) change without a restart
 * ({@code @Modified}): each job takes those in force when it is submitted.
 */
@Designate(ocd = EngineConfig.class)
@Component(service = {PipelineRunner.class, Configured.class}, immediate = true, configurationPid = EngineConfig.PID)
public final class PipelineEngine implements PipelineRunner, Configured {
    private final AtomicInteger ids = new AtomicInteger();
    /** Finished jobs kept for layerwise:jobs and status; older ones are forgotten so a long session stays flat. */
    static final int FINISHED_JOBS_KEPT = 100;

    private final List<PipelineJob> jobs = new CopyOnWriteArrayList<>();
    private final TypedConfig<EngineConfig> config = TypedConfig.of(EngineConfig.PID, EngineConfig.class,
            line -> System.err.println("layerwise: " + line))
            .range("maxConcurrentJobs", 0, 1000)
            .range("swapTimeoutSeconds", 0, 86_400)
            .range("checkpointEvery", 0, Integer.MAX_VALUE)
            .replaces("swapTimeoutSeconds", "layerwise.swap.timeout.seconds");
    /** Submissions admitted under the job limit whose job has not started yet. */
    private int starting;
    private BundleContext bundles;
    private Installed<StageProvider> providers;
    private Installed<Regularizer> regularizers;
    private Installed<DataSource> sources;
    private Installed<FineTuner> tuners;
    private SavedRunTools savedRuns;
    private ExecutorService executor;
    private Path workingDir;
    /** Optional so that the engine starts without it (and in tests); when present, a failed BLAS check stops jobs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Backend backend;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        bundles = context;
        config.update(properties, context::getProperty);
        providers = new Installed<>(context, StageProvider.class, StageProvider.TYPE, StageProvider.TYPE);
        regularizers = new Installed<>(context, Regularizer.class, Regularizer.TYPE, Regularizer.NAME);
        sources = new Installed<>(context, DataSource.class, DataSource.TYPE, DataSource.NAME);
        tuners = new Installed<>(context, FineTuner.class, FineTuner.TYPE, FineTuner.HEAD);
        savedRuns = new SavedRunTools(context, providers, regularizers, sources, tuners);
        String cwd = context.getProperty("layerwise.cwd");
        workingDir = Path.of(cwd != null ? cwd : System.getProperty("user.dir"));
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "layerwise-engine-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Modified
    void modified(Map<String, Object> properties) {
        config.update(properties, bundles::getProperty);
    }

    @Override
    public Settings settings() {
        return config.settings();
    }

    @Deactivate
    void deactivate() {
        // Quick by design (SCR allows seconds, not minutes): ask jobs to stop and let the pool wind down.
        jobs.forEach(PipelineJob::cancel);
        executor.shutdown();
    }

    @Override
    public Job submit(Path pipelineFile, RunOptions options, ProgressListener listener) throws PipelineException {
        return start(workingDir.resolve(pipelineFile).normalize(), options, listener, null);
    }

    @Override
    public Job resume(Path runDir, ProgressListener listener) throws PipelineException {
        Path dir = workingDir.resolve(runDir).normalize();
        Path file = dir.resolve("pipeline.json");
        if (!Files.isRegularFile(file)) {
            throw new PipelineException(file + ": missing; " + dir + " is not a run directory");
        }
        try {
            RunLock.refuseIfHeldHere(dir); // at once; the lock itself is taken when the run directory is reopened
        } catch (IOException e) {
            throw new PipelineException(e.getMessage(), e);
        }
        return start(file, new RunOptions(null, 0, null), listener, dir);
    }

    /** Validates and starts a pipeline; {@code resumeDir}: go on with the interrupted run in that directory. */
    private Job start(Path file, RunOptions options, ProgressListener listener, Path resumeDir) throws PipelineException {
        requireRightBlas();
        EngineConfig settings = config.get();
        admit(settings);
        try {
            return start(file, options, listener, resumeDir, settings);
        } finally {
            synchronized (this) {
                starting--;
            }
        }
    }

    /** Refuses a job beyond the concurrent job limit, counting those admitted that are still starting. */
    private synchronized void admit(EngineConfig settings) throws PipelineException {
        List<String> running = jobs.stream().filter(j -> !j.status().finished()).map(PipelineJob::id).toList();
        int limit = settings.maxConcurrentJobs();
        if (limit > 0 && running.size() + starting >= limit) {
            throw new PipelineException(EngineConfig.PID + ": maxConcurrentJobs is " + limit + " and "
                    + (running.size() + starting) + " job(s) are running or starting (" + String.join(", ", running)
                    + "); wait for one to end, or raise maxConcurrentJobs in " + configFile());
        }
        starting++;
    }

    private String configFile() {
        String file = config.settings().file();
        return file != null ? file : EngineConfig.PID + ".cfg.json";
    }

    private Job start(Path file, RunOptions options, ProgressListener listener, Path resumeDir, EngineConfig settings)
            throws PipelineException {
        PipelineFile pipeline = PipelineFile.read(file);
        DataSource source = null;
        ServiceReference<DataSource> sourceRef = sources.find(pipeline.dataSource).orElseThrow(() -> new PipelineException(
                file + ": data.source \"" + pipeline.dataSource + "\" is not an installed data source; installed: "
                        + sources.listing()));
        Dataset data;
        try {
            source = bundles.getService(sourceRef);
            if (source == null) {
                throw new PipelineException(file + ": data source \"" + pipeline.dataSource + "\" went away");
            }
            Path dataDir = options.dataDir() == null ? null : workingDir.resolve(options.dataDir());
            Spec dataSpec = pipeline.dataFields(dataDir);
            source.validate(dataSpec);
            dataSpec.rejectUnknownFields();
            List<Map<String, Object>> stageSpecs = checkStageTypes(file, pipeline);
            data = source.load(pipeline.dataFields(dataDir));
            List<DenseLayer> encoders = new ArrayList<>();
            List<DenseLayer> decoders = new ArrayList<>();
            List<Map<String, Object>> resolvedStages = validateStages(file, pipeline, stageSpecs, data, options,
                    settings.checkpointEvery(), encoders, decoders);
            FineTuneSection fineTune = null;
            FineTuneStep.Labelled labelled = null;
            Map<String, Object> resolvedFineTune = null;
            if (pipeline.finetune != null) {
                if (options.epochsOverride() > 0) {
                    pipeline.finetune.put("epochs", (long) options.epochsOverride());
                }
                Spec spec = new Spec(FineTuneSection.PATH, pipeline.finetune);
                fineTune = FineTuneSection.read(spec, pipeline.finetune);
                labelled = split(file, pipeline, data, fineTune);
                validateFineTune(file, pipeline, fineTune, spec, encoders, decoders, labelled);
                resolvedFineTune = spec.resolved();
                data = data.withTrainRows(0, labelled.train().rows());
            }
            Map<String, Object> resolved = new LinkedHashMap<>(pipeline.root.resolved());
            Map<String, Object> dataSection = new LinkedHashMap<>();
            dataSection.put("source", pipeline.dataSource);
            dataSection.putAll(dataSpec.resolved());
            resolved.put("data", dataSection);
            resolved.put("stages", resolvedStages);
            if (resolvedFineTune != null) {
                resolved.put("finetune", resolvedFineTune);
            }
            String id = Integer.toString(ids.incrementAndGet());
            // the run directory is locked for the job from here until the job has ended (RunLock)
            RunDirectory run = resumeDir != null ? RunDirectory.reopen(resumeDir, id)
                    : options.outDir() != null
                    ? RunDirectory.create(workingDir.resolve(options.outDir()).normalize(), pipeline.name,
                            Json.toJson(resolved), id)
                    : RunDirectory.createUnder(workingDir.resolve(settings.runsDir()), pipeline.name, Json.toJson(resolved),
                            id);
            PipelineJob job = new PipelineJob(id, pipeline, stageSpecs, data, run, listener, bundles, providers,
                    regularizers);
            job.swapTimeout(settings.swapTimeoutSeconds());
            if (fineTune != null) {
                job.fineTuneAfterStages(fineTune, tuners, labelled);
            }
            if (resumeDir != null) {
                job.resuming();
            }
            try {
                executor.execute(job);
            } catch (RuntimeException e) { // the engine is going away
                run.close();
                throw new PipelineException(run.dir + ": the engine is stopping; the job did not start", e);
            }
            jobs.add(job);
            forgetOldJobs();
            return job;
        } catch (SpecException e) {
            throw new PipelineException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PipelineException(e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new PipelineException(file + ": " + MemoryBudget.outOfMemory("loading the data and checking the stages", e));
        } finally {
            if (source != null) {
                bundles.ungetService(sourceRef);
            }
        }
    }

    /** Every stage type must have a provider now; the message lists the installed ones with their bundles. */
    private List<Map<String, Object>> checkStageTypes(Path file, PipelineFile pipeline) throws PipelineException {
        for (int i = 0; i < pipeline.stages.size(); i++) {
            String type = PipelineFile.stageType(pipeline.stages.get(i));
            if (providers.find(type).isEmpty()) {
                throw new PipelineException(file + ": stages[" + i + "].type \"" + type
                        + "\" is not an installed stage type; installed: " + providers.listing());
            }
        }
        return pipeline.stages;
    }

    /**
     * Creates each stage once with the real input sizes to check its fields (unknown, mistyped, out of range)
     * and applies {@code --epochs} and the default {@code checkpointEvery} (to a trainable stage that sets none);
     * returns the resolved stage specs for pipeline.json.
     */
    private List<Map<String, Object>> validateStages(Path file, PipelineFile pipeline, List<Map<String, Object>> specs,
            Dataset data, RunOptions options, int checkpointEvery, List<DenseLayer> encoders, List<DenseLayer> decoders)
            throws PipelineException {
        List<Map<String, Object>> resolved = new ArrayList<>();
        int inputSize = data.train().cols();
        String range = data.valueRange();
        int rows = Math.max(data.train().rows(), data.test() == null ? 0 : data.test().rows());
        long dataBytes = MemoryBudget.bytes(data.train(), data.test());
        long kept = 0; // encoders and decoders of earlier stages, kept for fine-tuning
        for (int i = 0; i < specs.size(); i++) {
            Map<String, Object> raw = specs.get(i);
            Map<String, Object> stageResolved = null;
            final int index = i;
            for (int pass = 0; pass < 2; pass++) {
                String type = PipelineFile.stageType(raw);
                ServiceReference<StageProvider> ref = providers.find(type).orElseThrow(() -> new PipelineException(
                        file + ": stages[" + index + "].type \"" + type + "\" went away; installed: " + providers.listing()));
                StageProvider provider = bundles.getService(ref);
                if (provider == null) {
                    throw new PipelineException(file + ": stages[" + i + "].type \"" + type + "\": its bundle "
                            + Installed.bundleOf(ref) + " went away");
                }
                Spec spec = new Spec("stages[" + i + "]", raw);
                spec.text("type", null);
                long inputBytes = i == 0 ? 0 : 4L * inputSize * (data.train().rows() + (data.test() == null ? 0 : data.test().rows()));
                MemoryBudget budget = new MemoryBudget(MemoryBudget.Limits.ofThisJvm(), "stage " + (i + 1) + " (" + type
                        + ")", MemoryBudget.Held.training(dataBytes + inputBytes, MemoryBudget.restoreBest(raw),
                        pipeline.finetune != null, kept));
                try (EngineStageContext context = new EngineStageContext(bundles, regularizers, inputSize, range,
                        pipeline.seed + i, line -> { }).withMemory(rows, budget);
                        Stage stage = ProviderFailure.create(provider, ref, i, type, spec, context)) {
                    if (stage.trainable()) {
                        checkTrainControl(file, i, type, stage, TrainControl.read(spec), data);
                    }
                    spec.rejectUnknownFields();
                    boolean defaultCheckpoints = checkpointEvery > 0 && !(raw.get("train") instanceof Map<?, ?> t
                            && t.containsKey("checkpointEvery"));
                    if (pass == 0 && stage.trainable() && (options.epochsOverride() > 0 || defaultCheckpoints)) {
                        if (options.epochsOverride() > 0) {
                            setTrain(raw, "epochs", (long) options.epochsOverride());
                        }
                        if (defaultCheckpoints) {
                            setTrain(raw, "checkpointEvery", (long) checkpointEvery);
                        }
                        continue;
                    }
                    stageResolved = spec.resolved();
                    if (pipeline.finetune != null) {
                        DenseLayer layer = stage.encoderLayer();
                        if (layer == null) {
                            throw new PipelineException(file + ": stages[" + i + "] (" + type + ") has no encoder layer"
                                    + " to fine-tune; remove the finetune section or this stage");
                        }
                        encoders.add(layer);
                        decoders.add(stage.decoderLayer());
                    }
                    if (pipeline.finetune != null && context.reserved() != null) {
                        kept += 2 * context.reserved().parameterBytes();
                    }
                    inputSize = stage.outputSize();
                    range = stage.outputRange();
                    break;
                } catch (ProviderFailure e) {
                    throw new PipelineException(file + ": " + e.getMessage(), e);
                } finally {
                    bundles.ungetService(ref);
                }
            }
            resolved.add(stageResolved);
        }
        return resolved;
    }

    /**
     * A stage's validation rows must exist (the test split for {@code "test"}, at least one held-out and one training
     * row for a fraction), and the stage must compute a validation loss.
     */
    private static void checkTrainControl(Path file, int i, String type, Stage stage, TrainControl control, Dataset data)
            throws PipelineException {
        ValidationSplit v = control.validation();
        String at = "stages[" + i + "].train.validation";
        if (!v.any()) {
            return;
        }
        if (v.test() && (data.test() == null || data.test().rows() == 0)) {
            throw new PipelineException(file + ": " + at + " \"test\" needs test rows, but the data source has none;"
                    + " give a fraction of the training rows instead");
        }
        int n = data.train().rows();
        if (!v.test() && (v.heldOut(n) < 1 || v.heldOut(n) >= n)) {
            throw new PipelineException(file + ": " + at + " " + v.fraction() + " holds out " + v.heldOut(n) + " of "
                    + n + " training rows; it must hold out at least one and leave at least one");
        }
        try {
            stage.loss(new FloatMatrix(0, stage.inputSize(), new float[0]));
        } catch (UnsupportedOperationException e) {
            throw new PipelineException(file + ": " + at + ": stage type \"" + type + "\" computes no validation loss ("
                    + e.getMessage() + ")");
        }
    }

    /** The last {@code validation} fraction of the training rows is held out; labels come along where there are any. */
    private static FineTuneStep.Labelled split(Path file, PipelineFile pipeline, Dataset data, FineTuneSection section)
            throws PipelineException {
        int n = data.train().rows();
        int held = section.validationRows(n);
        if (n - held < 1) {
            throw new PipelineException(file + ": finetune.validation " + section.validation() + " leaves no training rows of " + n);
        }
        int[] labels = data.trainLabels();
        int classes = 0;
        if (labels != null) {
            for (int y : labels) {
                classes = Math.max(classes, y + 1);
            }
        }
        return new FineTuneStep.Labelled(data.train().rows(0, n - held),
                labels == null ? null : java.util.Arrays.copyOfRange(labels, 0, n - held), data.train().rows(n - held, n),
                labels == null ? null : java.util.Arrays.copyOfRange(labels, n - held, n), data.test(), data.testLabels(),
                classes);
    }

    /** The head must be installed and accept the section; building its network once checks every field. */
    private void validateFineTune(Path file, PipelineFile pipeline, FineTuneSection section, Spec spec,
            List<DenseLayer> encoders, List<DenseLayer> decoders, FineTuneStep.Labelled labelled) throws PipelineException {
        ServiceReference<FineTuner> ref = tuners.find(section.head()).orElseThrow(() -> new PipelineException(file
                + ": finetune.head \"" + section.head() + "\" is not an installed fine-tuning head; installed: "
                + tuners.listing()));
        FineTuner tuner = bundles.getService(ref);
        if (tuner == null) {
            throw new PipelineException(file + ": finetune.head \"" + section.head() + "\": its bundle "
                    + Installed.bundleOf(ref) + " went away");
        }
        try {
            try (Network net = tuner.create(spec, encoders, decoders, labelled.train().cols(), labelled.classes(),
                    pipeline.seed + pipeline.stages.size())) {
                spec.rejectUnknownFields();
                if (!net.supervised() && section.earlyStopping() != null
                        && section.earlyStopping().monitor().equals("val_error")) {
                    throw new PipelineException(file + ": finetune.earlyStopping.monitor \"val_error\" needs a"
                            + " classifying head; head \"" + section.head() + "\" reconstructs: monitor \"val_loss\"");
                }
                if (net.supervised() && labelled.trainLabels() == null) {
                    throw new PipelineException(file + ": finetune.head \"" + section.head() + "\" needs labels, but data"
                            + " source \"" + pipeline.dataSource + "\" gave none");
                }
            }
        } finally {
            bundles.ungetService(ref);
        }
    }

    @SuppressWarnings("unchecked")
    private static void setTrain(Map<String, Object> raw, String key, Object value) {
        Object train = raw.get("train");
        Map<String, Object> t = train instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m)
                : new LinkedHashMap<>();
        t.put(key, value);
        raw.put("train", t);
    }

    @Override
    public Evaluation evaluate(Path runDir, Path dataDir) throws PipelineException {
        requireRightBlas();
        return savedRuns.evaluate(workingDir.resolve(runDir).normalize(),
                dataDir == null ? null : workingDir.resolve(dataDir).normalize());
    }

    @Override
    public Encoding encode(Path runDir, Path input, Path output, int layer, boolean reconstruct, boolean header)
            throws PipelineException {
        requireRightBlas();
        return savedRuns.encode(workingDir.resolve(runDir).normalize(), workingDir.resolve(input).normalize(),
                workingDir.resolve(output).normalize(), layer, reconstruct, header);
    }

    @Override
    public List<JobStatus> jobs() {
        List<JobStatus> out = new ArrayList<>();
        jobs.forEach(j -> out.add(j.status()));
        return out;
    }

    @Override
    public Optional<Job> job(String id) {
        return jobs.stream().filter(j -> j.id().equals(id)).map(j -> (Job) j).findFirst();
    }

    /** Drops the oldest finished jobs beyond {@link #FINISHED_JOBS_KEPT}; running jobs always stay. */
    private void forgetOldJobs() {
        List<PipelineJob> finished = jobs.stream().filter(j -> j.status().finished()).toList();
        for (int i = 0; i < finished.size() - FINISHED_JOBS_KEPT; i++) {
            jobs.remove(finished.get(i));
        }
    }

    /**
     * Refuses to compute when the backend's BLAS self-test failed: a kernel that gets DGEMM or the eigensolver wrong
     * returns wrong whitening without a sign (runtime/layerwise falls back to a kernel that passes before it starts
     * the framework; an embedding application or a forced {@code OPENBLAS_CORETYPE} can still land here).
     */
    private void requireRightBlas() throws PipelineException {
        Backend b = backend;
        if (b == null) {
            return;
        }
        BlasCheck check;
        try {
            check = b.blasCheck();
        } catch (IllegalStateException e) {
            throw new PipelineException("the ND4J backend did not load: " + e.getMessage());
        }
        if (!check.passed()) {
            throw new PipelineException("OpenBLAS kernel " + check.kernel() + " computes wrong results on this CPU, so"
                    + " nothing runs (" + check.summary() + "); start through runtime/layerwise, which picks a kernel"
                    + " that passes, or set OPENBLAS_CORETYPE=Haswell");
        }
    }
}
