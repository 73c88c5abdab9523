package io.layerwise.engine.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.pipeline.Job;
import io.layerwise.api.pipeline.JobStatus;
import io.layerwise.api.pipeline.JobStatus.State;
import io.layerwise.api.pipeline.ProgressListener;
import io.layerwise.api.spec.SpecException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * One pipeline run on its own thread: its status, its ending (whatever stops it, the run's pictures, history.json
 * and the run directory's lock are dealt with once, in order) and the one-line messages of its failures. What it runs
 * is a {@link StageSequence}; the parts tell it what they do through {@link JobHooks}.
 */
final class PipelineJob implements Job, Runnable, JobHooks {
    private final String id;
    private final PipelinePlan pipeline;
    /** Released when the job ends: the engine keeps finished jobs for their status, not their data. */
    private Dataset data;
    /** The training rows with labels when the pipeline fine-tunes (the same rows as {@link #data}'s); else null. */
    private FineTuneStep.Labelled labelled;
    private final RunDirectory run;
    private final ProgressListener listener;
    private final Plugins plugins;
    private final long swapTimeoutSeconds;
    /** Go on with an interrupted run: finished stages load their models, the stage in progress resumes from its newest checkpoint. */
    private final boolean resuming;
    private final CountDownLatch done = new CountDownLatch(1);
    private RunPictures pictures;
    private volatile boolean cancelRequested;
    private volatile JobStatus status;
    /**
     * What the job is doing, for the message when something it did not expect stops it ("drawing pictures") and
     * for running out of memory; with {@link #where()} it reads "stage 2 (rbm) epoch 3 while saving its model".
     */
    private volatile String phase = "starting";
    /** The phases' times, printed when the job ends under {@code LAYERWISE_DEBUG=1} (docs/performance.md). */
    private final JobPhases phases;
    /** The folder of the stage in progress, to say whether a model of it is kept when the job fails. */
    private volatile Path stageDir;

    /** @param swapTimeoutSeconds how long to wait for a stage type's provider to come back (the engine's setting) */
    PipelineJob(String id, PipelineValidator.Validated validated, RunDirectory run, ProgressListener listener,
            Plugins plugins, long swapTimeoutSeconds, boolean resuming, JobPhases phases) {
        this.id = id;
        this.pipeline = validated.plan();
        this.data = validated.data();
        this.labelled = validated.labelled();
        this.run = run;
        this.listener = listener == null ? new ProgressListener() { } : listener;
        this.plugins = plugins;
        this.swapTimeoutSeconds = swapTimeoutSeconds;
        this.resuming = resuming;
        this.phases = phases;
        phases.enter("waiting for the job's thread");
        this.status = new JobStatus(id, pipeline.name(), run.dir, State.RUNNING, -1, pipeline.stages().size(), "", 0,
                0, Double.NaN, null);
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
            log("run " + id + " of " + pipeline.file() + " into " + run.dir + " (data: " + data.description() + ")");
            if (run.lockNote() != null) {
                log(run.lockNote());
            }
            doing("setting up");
            ScalingFile.write(run.dir, data.scaling());
            pictures = new RunPictures(run.dir, data, pipeline.stages().size(),
                    pipeline.fineTunes() && pipeline.fineTune().unroll(), this::log);
            new StageSequence(pipeline, plugins, run, pictures, this, swapTimeoutSeconds, resuming).run(data, labelled);
            end = new Ending(State.DONE, null, "done");
        } catch (Cancelled e) {
            end = new Ending(State.CANCELLED, "cancelled by request in " + e.getMessage(), "cancelled");
        } catch (StageFailure e) {
            end = new Ending(State.FAILED, e.getMessage(), "failed");
        } catch (SpecException e) {
            // a stage's fields (or its memory estimate) refused when the stage was made again: a new provider, a resume
            end = new Ending(State.FAILED, pipeline.file() + ": " + e.getMessage(), "failed");
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
            Thread.currentThread().setName(threadName);
            done.countDown();
            // The job's ND4J arrays live in native memory that is freed only when the GC finds their small Java
            // handles dead. With a heap this quiet that can take dozens of jobs, and the native allocator keeps the
            // high-water mark: ask for the collection now (measured in the soak test: +40 MiB RSS over 40 runs without),
            // after the job is seen to end, so that whoever waits for it does not wait for the collection too (40-50 ms
            // after the README's main job).
            System.gc();
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
            return "pipeline " + pipeline.name() + ": " + e.getClass().getName();
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
                doing("drawing the run's pictures");
                pictures.afterJob(end.word()); // before the status says finished, so a finished run has its report
                pictures.trustworthiness(run.history());
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
        phases.enter("ending the run");
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
        if ("1".equals(System.getenv("LAYERWISE_DEBUG"))) {
            System.err.println("layerwise: job " + id + " phases (ms, count): " + phases.summary());
        }
        JobStatus s = status;
        status = new JobStatus(id, pipeline.name(), run.dir, ending.state(), s.stage(), s.stageCount(), s.stageType(),
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
        return s.stage() < 0 ? "pipeline " + pipeline.name()
                : "stage " + (s.stage() + 1) + " (" + s.stageType() + ")" + (s.epoch() > 0 ? " epoch " + s.epoch() : "");
    }

    @Override
    public boolean cancelRequested() {
        return cancelRequested;
    }

    @Override
    public void doing(String what) {
        phases.enter(what);
        phase = what;
    }

    @Override
    public void stageDir(Path dir) {
        stageDir = dir;
    }

    @Override
    public ProgressListener listener() {
        return listener;
    }

    @Override
    public void stage(int stage, String type) {
        status = new JobStatus(id, pipeline.name(), run.dir, State.RUNNING, stage, pipeline.stages().size(), type, 0,
                0, Double.NaN, null);
    }

    @Override
    public void progress(int stage, String type, int epoch, int epochs, int done, int total, double meanLoss,
            double etaSeconds, double lastLoss, double valLoss) {
        status = new JobStatus(id, pipeline.name(), run.dir, State.RUNNING, stage, pipeline.stages().size(), type,
                epoch, epochs, lastLoss, null, done, total, meanLoss, etaSeconds, valLoss);
    }

    @Override
    public void log(String line) {
        run.log(Instant.now() + " " + line);
        listener.message(line);
    }
}
