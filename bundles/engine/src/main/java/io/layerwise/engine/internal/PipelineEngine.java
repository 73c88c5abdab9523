package io.layerwise.engine.internal;

import io.layerwise.api.backend.Backend;
import io.layerwise.api.backend.BlasCheck;
import io.layerwise.api.config.Configured;
import io.layerwise.api.config.Settings;
import io.layerwise.api.config.TypedConfig;
import io.layerwise.api.pipeline.Encoding;
import io.layerwise.api.pipeline.Evaluation;
import io.layerwise.api.pipeline.Job;
import io.layerwise.api.pipeline.JobStatus;
import io.layerwise.api.pipeline.PipelineException;
import io.layerwise.api.pipeline.PipelineRunner;
import io.layerwise.api.pipeline.ProgressListener;
import io.layerwise.api.pipeline.RunOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The pipeline engine. {@link #submit} does everything that can fail on bad input before any output exists
 * ({@link PipelineValidator}: parse the file, find the data source and every stage type, load the data, and create
 * every stage once to validate its fields and chain the sizes). Only then does it create the run directory and
 * start the job.
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
    private Plugins plugins;
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
        plugins = Plugins.of(context);
        savedRuns = new SavedRunTools(plugins);
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
        JobPhases phases = new JobPhases();
        phases.enter("waiting for the backend");
        requireRightBlas();
        EngineConfig settings = config.get();
        admit(settings);
        try {
            return start(file, options, listener, resumeDir, settings, phases);
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

    private Job start(Path file, RunOptions options, ProgressListener listener, Path resumeDir, EngineConfig settings,
            JobPhases phases) throws PipelineException {
        phases.enter("reading the pipeline and its data");
        Path dataDir = options.dataDir() == null ? null : workingDir.resolve(options.dataDir());
        PipelineValidator.Validated validated = new PipelineValidator(plugins).validate(file, options, dataDir,
                settings.checkpointEvery());
        if (validated.plan().spark() != null) {
            validated = new PipelineValidator.Validated(validated.plan().withSpark(validated.plan().spark().withJars(
                    SparkTraining.jars(bundles))), validated.data(), validated.labelled());
        }
        PipelinePlan plan = validated.plan();
        String id = Integer.toString(ids.incrementAndGet());
        RunDirectory run;
        phases.enter("making the run directory");
        try {
            // the run directory is locked for the job from here until the job has ended (RunLock)
            run = resumeDir != null ? RunDirectory.reopen(resumeDir, id)
                    : options.outDir() != null
                    ? RunDirectory.create(workingDir.resolve(options.outDir()).normalize(), plan.name(),
                            plan.resolvedJson(), id)
                    : RunDirectory.createUnder(workingDir.resolve(settings.runsDir()), plan.name(), plan.resolvedJson(),
                            id);
        } catch (IOException e) {
            throw new PipelineException(e.getMessage(), e);
        }
        PipelineJob job = new PipelineJob(id, validated, run, listener, plugins, settings.swapTimeoutSeconds(),
                resumeDir != null, phases);
        try {
            executor.execute(job);
        } catch (RuntimeException e) { // the engine is going away
            run.close();
            throw new PipelineException(run.dir + ": the engine is stopping; the job did not start", e);
        }
        jobs.add(job);
        forgetOldJobs();
        return job;
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
