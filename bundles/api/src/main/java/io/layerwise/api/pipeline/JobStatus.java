package io.layerwise.api.pipeline;

import java.nio.file.Path;

/**
 * A snapshot of a job.
 *
 * @param stage      index of the stage running now (0-based), -1 before the first; the stage count for fine-tuning
 * @param epoch      epoch running now within that stage (1-based), 0 when none
 * @param lastLoss   mean training loss of the last finished epoch; NaN before the first
 * @param message    for FAILED: the reason, one line naming the stage, field, file or bundle at fault
 * @param done       samples of the running epoch trained so far (0 when no epoch runs)
 * @param total      samples per epoch of the running stage (0 when no epoch runs)
 * @param meanLoss   running mean training loss of the epoch so far; NaN before its first report
 * @param etaSeconds estimated seconds left in the running epoch; NaN when unknown
 * @param valLoss    validation loss of the last finished epoch ({@code val_loss}); NaN when none
 * @since 1.2 (in-epoch progress and {@code valLoss})
 */
public record JobStatus(String id, String pipeline, Path runDir, State state, int stage, int stageCount,
        String stageType, int epoch, int epochs, double lastLoss, String message, int done, int total,
        double meanLoss, double etaSeconds, double valLoss) {

    public enum State { RUNNING, DONE, FAILED, CANCELLED }

    /** The 1.1 form: no in-epoch progress and no validation loss. */
    public JobStatus(String id, String pipeline, Path runDir, State state, int stage, int stageCount, String stageType,
            int epoch, int epochs, double lastLoss, String message) {
        this(id, pipeline, runDir, state, stage, stageCount, stageType, epoch, epochs, lastLoss, message, 0, 0,
                Double.NaN, Double.NaN, Double.NaN);
    }

    public boolean finished() {
        return state != State.RUNNING;
    }
}
