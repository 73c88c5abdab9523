package io.layerwise.api.pipeline;

import java.nio.file.Path;

/**
 * A snapshot of a job.
 *
 * @param stage   index of the stage running now (0-based), -1 before the first
 * @param epoch   epoch running now within that stage (1-based), 0 when none
 * @param message for FAILED: the reason, one line naming the stage, field, file or bundle at fault
 */
public record JobStatus(String id, String pipeline, Path runDir, State state, int stage, int stageCount,
        String stageType, int epoch, int epochs, double lastLoss, String message) {

    public enum State { RUNNING, DONE, FAILED, CANCELLED }

    public boolean finished() {
        return state != State.RUNNING;
    }
}
