package io.layerwise.spark;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.TrainingState;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Trains one trainable stage data-parallel by parameter averaging. The training rows are cut into one shard per worker
 * (one RDD partition each, cached on the executors). An epoch is a sequence of rounds; round {@code r} of an epoch
 * broadcasts the {@link Snapshot}, each worker trains minibatches {@code [r K, (r+1) K)} of its shard
 * ({@link RoundTask}), and {@link OrderedSum} sums what they return ({@link Average}) in worker order, which the driver
 * divides.
 * Rounds end at epoch boundaries, so the epoch's learning rate and its loss are the single-machine run's. With one
 * worker the shard is the whole training set and the averages are that worker's values, so the run is the
 * single-machine run, minibatch for minibatch.
 */
public final class DataParallelTraining {
    /** How the work is spread: {@code workers} shards, {@code averageEvery} minibatches per worker between averages. */
    public record Settings(int workers, int averageEvery) {
        public Settings {
            if (workers < 1) {
                throw new IllegalArgumentException("execution.workers must be >= 1, got " + workers);
            }
            if (averageEvery < 1) {
                throw new IllegalArgumentException("execution.averageEvery must be >= 1, got " + averageEvery);
            }
        }
    }

    /** One finished epoch: the mean training objective per row, the stage's held-out metrics. */
    public record Epoch(int epoch, double loss, Map<String, Double> metrics, double seconds, int rounds) {
    }

    /** Where a run stands: the next round starts minibatch {@code batch} of {@code epoch} from {@code snapshot}. */
    public record Position(int epoch, int batch, Snapshot snapshot, double epochLoss) implements java.io.Serializable {
    }

    /** Told after every round (a checkpoint) and every epoch (a progress line), an epoch's line before its last round. */
    public interface Listener {
        default void round(Position next) {
        }

        default void epoch(Epoch e) {
        }
    }

    private final JavaSparkContext sc;
    private final Settings settings;

    public DataParallelTraining(JavaSparkContext sc, Settings settings) {
        this.sc = sc;
        this.settings = settings;
    }

    /**
     * Trains {@code recipe}'s stage on {@code train} and returns its final snapshot.
     *
     * @param test  held-out rows for the stage's per-epoch metrics, or null
     * @param start where to go on from (a checkpoint), or null to start afresh
     */
    public Snapshot train(StageRecipe recipe, FloatMatrix train, FloatMatrix test, Position start, Listener listener) {
        return train(recipe, train, null, test, start, listener);
    }

    /**
     * As {@link #train(StageRecipe, FloatMatrix, FloatMatrix, Position, Listener)}, the executors reading their shards
     * from {@code trainFile} (a rows file at a path every executor can reach) instead of the driver shipping them.
     * The driver then never holds the training rows: {@code train} may be null (its row count comes from the file's
     * header), and the held-out metrics need only {@code test}.
     */
    public Snapshot train(StageRecipe recipe, FloatMatrix train, Path trainFile, FloatMatrix test, Position start,
            Listener listener) {
        int workers = settings.workers();
        JavaRDD<Shard> shards;
        int trainRows;
        if (trainFile == null) {
            trainRows = train.rows();
            shards = sc.parallelize(Shard.split(train, workers), workers);
        } else {
            trainRows = RowsFile.header(trainFile).rows();
            String file = trainFile.toAbsolutePath().toString(); // a String: the task closure is serialised
            shards = sc.parallelize(java.util.stream.IntStream.range(0, workers).boxed().toList(), workers)
                    .map(w -> RowsFile.shard(Path.of(file), w, workers));
        }
        shards = shards.persist(StorageLevel.MEMORY_ONLY());
        try (Stage local = recipe.create()) {
            int epochs = local.epochs();
            Position at = start != null ? start : new Position(0, 0, Snapshot.initial(local.parameters()), 0);
            int batchesPerEpoch = Integer.MAX_VALUE; // known after the first round
            while (at.epoch() < epochs) {
                long t0 = System.nanoTime();
                int rounds = 0;
                double loss = at.epochLoss();
                Snapshot s = at.snapshot();
                int from = at.batch();
                while (from < batchesPerEpoch) {
                    int to = from + settings.averageEvery();
                    Average sum = round(shards, recipe, s, from, to);
                    batchesPerEpoch = sum.batchesPerEpoch();
                    s = sum.into(s);
                    loss += sum.loss();
                    rounds++;
                    from = Math.min(to, batchesPerEpoch);
                    if (from < batchesPerEpoch) {
                        listener.round(new Position(at.epoch(), from, s, loss));
                    }
                }
                Map<String, Double> metrics = test == null ? Map.of() : evaluate(local, s, test);
                listener.epoch(new Epoch(at.epoch(), loss / trainRows, metrics, (System.nanoTime() - t0) / 1e9,
                        rounds));
                // the epoch's checkpoint after its line: a checkpoint past an epoch always has that epoch's line
                at = new Position(at.epoch() + 1, 0, s, 0);
                listener.round(at);
            }
            return at.snapshot();
        } finally {
            shards.unpersist(false);
        }
    }

    private Average round(JavaRDD<Shard> shards, StageRecipe recipe, Snapshot s, int from, int to) {
        Broadcast<Snapshot> b = sc.broadcast(s);
        try {
            JavaRDD<Average> results = shards.map(
                    shard -> new Average().add(RoundTask.run(shard, recipe, b.value(), from, to)));
            return OrderedSum.of(results, new Average(), Average::merge);
        } finally {
            b.destroy();
        }
    }

    /**
     * The stage's held-out metrics with the averaged parameters (and worker 0's state: a penalty's statistics). The
     * stage is prepared on the held-out rows, only so that it takes the training state; nothing trains on them.
     */
    private static Map<String, Double> evaluate(Stage local, Snapshot s, FloatMatrix test) {
        local.prepareTraining(test);
        local.restore(s.parameterList());
        TrainingState state = s.stateOf(0);
        if (state != null) {
            local.restoreTrainingState(state);
        }
        return new LinkedHashMap<>(local.evaluate(test));
    }

    /** The parameters of {@code s} loaded into a stage created by {@code recipe}, e.g. to encode the next input. */
    public static Stage restored(StageRecipe recipe, Snapshot s) {
        Stage stage = recipe.create();
        try {
            stage.restore(s.parameterList());
            return stage;
        } catch (RuntimeException e) {
            stage.close();
            throw e;
        }
    }
}
