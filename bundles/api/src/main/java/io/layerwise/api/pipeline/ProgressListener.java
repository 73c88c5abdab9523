package io.layerwise.api.pipeline;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/** Receives a job's progress; called on the job's thread, so keep it quick. */
@ConsumerType
public interface ProgressListener {

    /** A line for the log: stage starts, warnings, where files went. */
    default void message(String line) {
    }

    /**
     * Within an epoch: {@code done} of {@code total} samples, running mean loss. The engine calls it a few times a
     * second and once when the epoch's minibatches are done ({@code done == total}), before {@link #epoch}.
     */
    default void batch(int stage, int epoch, int epochs, int done, int total, double meanLoss, double elapsedSeconds) {
    }

    /**
     * An epoch ended with its mean training loss and held-out metrics. When the stage holds out validation rows,
     * {@code metrics} begins with {@code val_loss} (and, for a classifying fine-tuning head, {@code val_error}), the
     * figures history.json records beside {@code loss}.
     */
    default void epoch(int stage, int epoch, int epochs, double loss, Map<String, Double> metrics, double seconds) {
    }
}
