package io.layerwise.engine.internal;

import io.layerwise.api.pipeline.ProgressListener;
import java.nio.file.Path;

/** What the parts of a job ({@link StageSequence}, {@link StageRun}) tell the job and ask of it. */
interface JobHooks {
    /** True once the job was asked to stop; checked between minibatches and while waiting for a provider. */
    boolean cancelRequested();

    /** A line for run.log and the listener. */
    void log(String line);

    /** What the job does now, in words ("saving its model"): a failure names it. */
    void doing(String phase);

    /** Stage {@code index} (fine-tuning: the stage count) of {@code type} begins. */
    void stage(int index, String type);

    /** Where stage {@code index} of {@code type} is in its epochs, for the job's status. */
    void progress(int index, String type, int epoch, int epochs, int done, int total, double meanLoss,
            double etaSeconds, double lastLoss, double valLoss);

    /** The folder of the stage in progress (null between stages), to say whether a model of it is kept on failure. */
    void stageDir(Path dir);

    ProgressListener listener();
}
