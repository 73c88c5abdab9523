package io.layerwise.engine.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.engine.internal.PipelinePlan.StagePlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The order of a job: each stage in turn, its provider looked up late (so an updated bundle is used), each stage's
 * output the next one's input, then fine-tuning when the pipeline has it. A provider that goes away while its stage
 * runs is waited for (up to the swap timeout); the stage then goes on from its last checkpoint with the provider
 * that took over. A resumed run goes through the same order: stages finished before load their models.
 */
final class StageSequence {
    private final PipelinePlan pipeline;
    private final Plugins plugins;
    private final RunDirectory run;
    private final RunPictures pictures;
    private final JobHooks job;
    private final long swapTimeoutSeconds;
    private final boolean resuming;
    /** Set once a stage's provider went away and another took over. */
    private boolean swapped;

    StageSequence(PipelinePlan pipeline, Plugins plugins, RunDirectory run, RunPictures pictures, JobHooks job,
            long swapTimeoutSeconds, boolean resuming) {
        this.pipeline = pipeline;
        this.plugins = plugins;
        this.run = run;
        this.pictures = pictures;
        this.job = job;
        this.swapTimeoutSeconds = swapTimeoutSeconds;
        this.resuming = resuming;
    }

    /** @param labelled the training rows with their labels, when the pipeline fine-tunes; else null */
    void run(Dataset data, FineTuneStep.Labelled labelled) throws IOException, StageFailure, Cancelled {
        StageRun.Input in = new StageRun.Input(data.train(), data.test(), data.valueRange());
        long dataBytes = MemoryBudget.bytes(data.train(), data.test());
        long keptBytes = 0; // encoders and decoders kept for fine-tuning
        List<DenseLayer> encoders = new ArrayList<>();
        List<DenseLayer> decoders = new ArrayList<>();
        for (StagePlan stage : pipeline.stages()) {
            job.stage(stage.index(), stage.type());
            StageRun.Output out = runStage(stage, in, dataBytes, keptBytes);
            if (pipeline.fineTunes()) {
                encoders.add(out.encoder());
                decoders.add(out.decoder());
                keptBytes += out.keptBytes();
            }
            in = out.next();
        }
        if (pipeline.fineTunes()) {
            int index = pipeline.stages().size();
            job.stage(index, "finetune");
            job.stageDir(null);
            job.doing("fine-tuning");
            new FineTuneStep(plugins, run, job.listener(), job::cancelRequested, job::log,
                    (epoch, epochs, done, total, mean, eta, last, val) -> job.progress(index, "finetune", epoch, epochs,
                            done, total, mean, eta, last, val))
                    .run(pipeline.fineTune(), encoders, decoders, labelled, pipeline.seed() + index, index);
        }
    }

    /** Runs one stage to its end, with whichever provider of its type is there, waiting for one that went away. */
    private StageRun.Output runStage(StagePlan stage, StageRun.Input in, long dataBytes, long keptBytes)
            throws IOException, StageFailure, Cancelled {
        Lookup.Held<StageProvider> provider = plugins.stages().take(stage.type()).orElseThrow(() -> new StageFailure(
                "stage " + (stage.index() + 1) + ": no provider of stage type \"" + stage.type()
                        + "\" is installed now; installed: " + plugins.stages().listing()));
        boolean again = resuming;
        for (;;) {
            if (provider.service() == null || provider.bundle() == null) { // gone between look-up and use
                provider.close();
                provider = awaitProvider(stage);
                continue;
            }
            try {
                return new StageRun(pipeline, stage, plugins, run, pictures, job).run(provider, in, dataBytes,
                        keptBytes, again, resuming && !swapped);
            } catch (ProviderGone e) {
                logProviderGone(stage, provider, "in " + e.getMessage());
            } catch (ProviderFailure e) {
                if (!provider.gone()) {
                    StringWriter trace = new StringWriter();
                    e.getCause().printStackTrace(new PrintWriter(trace));
                    run.log(trace.toString());
                    throw new StageFailure(e.getMessage());
                }
                logProviderGone(stage, provider, "while its stage was created (" + e.getCause() + ")");
            } catch (RuntimeException | LinkageError e) {
                if (!provider.gone()) {
                    throw e;
                }
                // its bundle went while the provider's code ran, before the epoch loop could notice: a class of
                // the old wiring no longer loads. The same as going away between minibatches.
                logProviderGone(stage, provider, "while its stage was set up (" + e + ")");
            } finally {
                provider.close();
            }
            // the old stage is closed and its provider released: nothing of the old bundle is held any more
            provider = awaitProvider(stage);
            again = true;
            swapped = true;
        }
    }

    private void logProviderGone(StagePlan stage, Lookup.Held<StageProvider> provider, String when) {
        job.log(stage.title() + ": its provider " + provider.bundleAndVersion() + " went away " + when
                + "; waiting up to " + swapTimeoutSeconds + " s for a provider of \"" + stage.type()
                + "\" to go on from the last checkpoint");
    }

    /** Waits (bounded) for a provider of the stage's type; the job fails naming the checkpoint to resume from if none comes. */
    private Lookup.Held<StageProvider> awaitProvider(StagePlan stage) throws StageFailure, Cancelled {
        long deadline = System.nanoTime() + swapTimeoutSeconds * 1_000_000_000L;
        while (true) {
            var found = plugins.stages().take(stage.type());
            if (found.isPresent() && found.get().service() != null && found.get().bundle() != null) {
                job.log(stage.title() + ": provider " + found.get().bundleAndVersion() + " takes over");
                return found.get();
            }
            found.ifPresent(Lookup.Held::close);
            if (job.cancelRequested()) {
                throw new Cancelled(stage.title() + " while waiting for its provider");
            }
            if (System.nanoTime() > deadline) {
                throw new StageFailure(stage.title() + ": no provider of \"" + stage.type() + "\" came back within "
                        + swapTimeoutSeconds + " s; installed: " + plugins.stages().listing()
                        + "; the checkpoints stay in " + run.dir + " (layerwise:resume " + run.dir + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cancelled(stage.title() + " while waiting for its provider");
            }
        }
    }
}
