package io.layerwise.spark;

import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.TrainingState;
import java.io.Serializable;
import java.util.List;

/**
 * One worker's part of a round, run in a Spark task: the stage created by its own provider, given the worker's shard
 * ({@link Stage#prepareTraining}), the broadcast parameters and training state, then minibatches {@code [from, to)}
 * of the current epoch with the stage's own {@link Stage#trainBatch}. The result is a function of the broadcast
 * snapshot and the shard alone (the worker's random streams are part of the snapshot), so a task that Spark retries
 * returns the same result and the round does not change.
 */
public final class RoundTask {
    private RoundTask() {
    }

    /** A worker's result: what it trained and the state it ends in. */
    public record Result(int worker, int batchesPerEpoch, int batches, double lossSum, List<Snapshot.Array> parameters,
            Snapshot.Split state) implements Serializable {
    }

    /**
     * The seed of worker {@code w}'s stage: the stage's pipeline seed for worker 0 (so that one worker is the
     * single-machine run), a different stream for each other worker (its own corruption noise, its own chains).
     */
    static long seedOf(long seed, int w) {
        return w == 0 ? seed : seed + 0x9e37_79b9_7f4a_7c15L * w;
    }

    public static Result run(Shard shard, StageRecipe recipe, Snapshot snapshot, int from, int to) {
        int w = shard.index();
        try (Stage stage = recipe.create(seedOf(recipe.seed(), w))) {
            int batches = stage.prepareTraining(shard.matrix());
            stage.restore(snapshot.parameterList());
            TrainingState state = snapshot.stateOf(w);
            if (state != null) {
                stage.restoreTrainingState(state);
            }
            double loss = 0;
            int ran = 0;
            for (int b = from; b < Math.min(to, batches); b++) {
                loss += stage.trainBatch(b);
                ran++;
            }
            return new Result(w, batches, ran, loss, Snapshot.Array.of(stage.parameters()),
                    Snapshot.split(stage.trainingState()));
        }
    }
}
