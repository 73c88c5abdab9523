package io.layerwise.engine.internal;

/** Where a training loop stands, for the job's status ({@code layerwise:status}). */
@FunctionalInterface
interface EpochProgress {
    /**
     * Within epoch {@code epoch} of {@code epochs}: {@code done} of {@code total} samples, the running mean loss, the
     * estimated seconds left (NaN: unknown), and the last finished epoch's loss and validation loss (NaN when none).
     */
    void progress(int epoch, int epochs, int done, int total, double meanLoss, double etaSeconds, double lastLoss,
            double valLoss);
}
