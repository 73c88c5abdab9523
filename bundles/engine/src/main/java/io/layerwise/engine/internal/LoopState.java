package io.layerwise.engine.internal;

import io.layerwise.api.stage.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a stage's epoch loop stands between minibatches: the last finished epoch and its losses, whether it is to
 * stop, the best epoch's parameters (restoreBest) and, inside an epoch, the minibatches done. A checkpoint saves it
 * ({@link #loop}) beside the parameters; a resume reads it back ({@link #resumed}), so that the epochs that follow are
 * those an uninterrupted run would have trained.
 */
final class LoopState {
    double lastLoss = Double.NaN;
    double lastVal = Double.NaN;
    int last;
    int first = 1;
    int startBatch;
    double startSum;
    boolean stop;
    List<Parameter> best;

    /** The state saved with {@code from}; restores {@code stopping}'s counters too (null: no early stopping). */
    @SuppressWarnings("unchecked")
    static LoopState resumed(Checkpoints.Checkpoint from, EarlyStopping stopping) {
        LoopState s = new LoopState();
        Map<String, Object> loop = from.loop();
        if (stopping != null && loop.get("earlyStopping") instanceof Map<?, ?> es) {
            stopping.restore((Map<String, Object>) es);
        }
        s.best = from.best();
        s.last = from.epoch();
        s.first = from.epoch() + 1;
        s.lastLoss = loop.get("lastLoss") instanceof Number l ? l.doubleValue() : Double.NaN;
        s.lastVal = loop.get("lastVal") instanceof Number v ? v.doubleValue() : Double.NaN;
        s.stop = Boolean.TRUE.equals(loop.get("stop"));
        s.startBatch = from.batch();
        s.startSum = loop.get("partialSum") instanceof Number p ? p.doubleValue() : 0;
        return s;
    }

    /** The checkpoint's {@code loop} entry after {@code batch} minibatches of the next epoch ({@code partialSum}: their losses). */
    Map<String, Object> loop(int batch, double partialSum, EarlyStopping stopping) {
        Map<String, Object> loop = new LinkedHashMap<>();
        if (batch > 0) {
            loop.put("partialSum", partialSum);
        }
        if (stopping != null) {
            loop.put("earlyStopping", stopping.state());
        }
        loop.put("stop", stop);
        if (Double.isFinite(lastLoss)) { // NaN before the first epoch ends; JSON has no NaN
            loop.put("lastLoss", lastLoss);
        }
        if (Double.isFinite(lastVal)) {
            loop.put("lastVal", lastVal);
        }
        return loop;
    }
}
