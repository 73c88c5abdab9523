package io.layerwise.engine.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.pipeline.ProgressListener;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The epochs of one trainable stage: per epoch every minibatch, then {@code val_loss} on the validation rows
 * ({@link Stage#loss}), the held-out metrics, the epoch's record in history.json, the saved model and the
 * early-stopping decision. With {@code restoreBest} it keeps a copy of the best epoch's parameters and, at the
 * end, restores and saves them when a later epoch was worse. Reports {@link ProgressListener#batch} every
 * {@link #PROGRESS_INTERVAL_S} seconds and once more when the epoch's minibatches are done, then
 * {@link ProgressListener#epoch}.
 */
final class EpochLoop {
    static final double PROGRESS_INTERVAL_S = 0.25;

    private final int index;
    private final String type;
    private final Stage stage;
    private final TrainControl control;
    private final RunDirectory run;
    private final ProgressListener listener;
    private final Path stageDir;
    private final List<String> penalties;
    private final StageHost host;
    /** Early stopping's rule, when the stage has one; and the best epoch's parameters kept for restoreBest. */
    private EarlyStopping stopping;
    private LoopState state;

    /** @param penalties the stage's regularizers with their bundles, for the divergence message */
    EpochLoop(int index, String type, Stage stage, TrainControl control, RunDirectory run, ProgressListener listener,
            Path stageDir, List<String> penalties, StageHost host) {
        this.index = index;
        this.type = type;
        this.stage = stage;
        this.control = control;
        this.run = run;
        this.listener = listener;
        this.stageDir = stageDir;
        this.penalties = penalties;
        this.host = host;
    }

    /**
     * Trains the stage on {@code train} less its validation rows, writing each epoch into {@code history} (the
     * stage's entry of history.json), continuing after the epoch of {@code resume} (null: from the start): the stage
     * gets the checkpoint's parameters and training state after {@link Stage#prepareTraining}, so that the epochs that
     * follow are those an uninterrupted run would have trained. Every finished epoch writes a checkpoint
     * ({@link Checkpoints}).
     *
     * @param test the stage's input on the data source's test rows; null when it has none
     * @param seed draws the validation rows
     */
    void run(FloatMatrix train, FloatMatrix test, long seed, History.StageEntry history, Checkpoints.Checkpoint resume)
            throws IOException, StageFailure, Cancelled, ProviderGone {
        ValidationSplit validation = control.validation();
        ValidationSplit.Rows rows = validation.split(train, test, seed);
        history.trainSamples = rows.train().rows();
        if (validation.any()) {
            history.validationSamples = rows.val().rows();
        }
        int batches = stage.prepareTraining(rows.train());
        int epochs = stage.epochs();
        int n = rows.train().rows();
        stopping = control.earlyStopping() == null ? null : new EarlyStopping(control.earlyStopping());
        boolean keepBest = stopping != null && stopping.options().restoreBest();
        state = new LoopState();
        if (resume != null) {
            stage.restore(resume.parameters());
            stage.restoreTrainingState(resume.state());
            state = LoopState.resumed(resume, stopping);
            host.log(where() + ": resumed after " + resume.position() + " from " + resume.dir());
        }
        for (int epoch = state.first; epoch <= epochs && !state.stop; epoch++) {
            host.progress(epoch, epochs, 0, n, Double.NaN, Double.NaN, state.lastLoss, state.lastVal);
            host.doing("training");
            long t0 = System.nanoTime();
            double loss = batches(epoch, epochs, batches, n, t0) / n;
            state.startBatch = 0;
            state.startSum = 0;
            double seconds = (System.nanoTime() - t0) / 1e9; // training only, as the benchmarks count it
            host.doing("evaluating");
            double val = validation.any() ? validationLoss(rows.val(), epoch) : Double.NaN;
            Map<String, Double> metrics;
            try {
                metrics = FilterConcentration.addTo(test == null ? Map.of() : stage.evaluate(test), stage);
            } catch (GuardedPenalty.Failure e) {
                throw penaltyFailure(e, epoch, "evaluation");
            }
            checkFinite(epoch, metrics);
            run.addEpoch(history, new History.Epoch(epoch, loss, validation.any() ? val : null, null, seconds, metrics));
            List<Parameter> parameters = null; // one copy serves the model, best epoch and checkpoint
            state.last = epoch;
            state.lastLoss = loss;
            state.lastVal = val;
            host.progress(epoch, epochs, n, n, loss, 0, loss, val);
            // the listener prints its own epoch line; run.log gets the same facts once
            run.log(Instant.now() + " " + String.format(Locale.ROOT, "stage %d (%s) epoch %d/%d: loss %.4f%s %s %.2fs",
                    index + 1, type, epoch, epochs, loss,
                    validation.any() ? String.format(Locale.ROOT, " val_loss %.4f", val) : "", metrics, seconds));
            listener.epoch(index, epoch, epochs, loss, withValidation(val, validation.any(), metrics), seconds);
            if (stopping != null) {
                EarlyStopping.Decision d = stopping.observe(epoch, stopping.options().monitor().equals("loss") ? loss : val);
                if (d == EarlyStopping.Decision.IMPROVED && keepBest) {
                    state.best = parameters = stage.parameters();
                }
                state.stop = d == EarlyStopping.Decision.STOP;
            }
            String converged = stage.stopReason(); // a full-batch optimizer that converged or can go no lower
            if (converged != null && epoch < epochs && !state.stop) {
                state.stop = true;
                history.stopped = new History.Stopped(epoch, null, null, converged);
                host.log(where() + ": stopped after epoch " + epoch + ": " + converged);
            }
            if (state.stop || epoch == epochs || epoch % control.saveEvery() == 0) {
                host.doing("saving its model");
                parameters = parameters != null ? parameters : stage.parameters();
                host.save(parameters);
                host.doing("writing a checkpoint");
                Checkpoints.write(stageDir, epoch, 0, parameters, stage.trainingState(), state.best,
                        state.loop(0, 0, stopping));
            }
            parameters = null; // the heap holds one copy at a time (and the best epoch's): the pictures take their own
            host.doing("drawing pictures");
            host.epochDone(epoch);
        }
        if (stopping != null) {
            finishEarlyStopping(stopping, state.best, state.last, history);
        }
        finalMetrics(test, state.last, history);
    }

    /** {@link Stage#finalMetrics} of the trained stage on the test rows, into its entry of history.json. */
    private void finalMetrics(FloatMatrix test, int last, History.StageEntry history) throws IOException, StageFailure {
        if (test == null) {
            return;
        }
        host.doing("computing its final metrics");
        Map<String, Double> end = stage.finalMetrics(test);
        if (end.isEmpty()) {
            return;
        }
        checkFinite(last, end);
        history.metrics = end;
        run.writeHistory();
        host.log(where() + " at the end: " + end);
    }

    private String where() {
        return "stage " + (index + 1) + " (" + type + ")";
    }

    /** Runs the epoch's minibatches; returns the sum of their losses. */
    private double batches(int epoch, int epochs, int batches, int n, long t0)
            throws StageFailure, Cancelled, ProviderGone, IOException {
        long lastReport = t0;
        double sum = state.startSum;
        int every = control.checkpointEvery();
        for (int b = state.startBatch; b < batches; b++) {
            if (host.providerGone()) {
                throw new ProviderGone("epoch " + epoch + " at minibatch " + (b + 1));
            }
            if (host.cancelRequested()) {
                throw new Cancelled(where() + " epoch " + epoch + " at minibatch "
                        + (b + 1) + (Files.isRegularFile(stageDir.resolve("model.json"))
                        ? "; the model of the last finished epoch is kept in " + stageDir : ""));
            }
            double loss;
            try {
                loss = stage.trainBatch(b);
            } catch (GuardedPenalty.Failure e) {
                throw penaltyFailure(e, epoch, "minibatch " + (b + 1));
            }
            if (!Double.isFinite(loss)) {
                throw new StageFailure("stage " + (index + 1) + " (" + type + ") diverged in epoch " + epoch
                        + ", minibatch " + (b + 1) + ": the loss is " + loss + "; regularizers: "
                        + (penalties.isEmpty() ? "none" : String.join(", ", penalties))
                        + "; lower the learning rate (stages[" + index + "].train.optimizer.lr)" + kept(epoch));
            }
            sum += loss;
            if (every > 0 && (b + 1) % every == 0 && b + 1 < batches) {
                host.doing("writing a checkpoint at minibatch " + (b + 1));
                Checkpoints.write(stageDir, epoch - 1, b + 1, stage.parameters(), stage.trainingState(), state.best,
                        state.loop(b + 1, sum, stopping));
                host.doing("training");
            }
            long now = System.nanoTime();
            if ((now - lastReport) / 1e9 >= PROGRESS_INTERVAL_S) {
                lastReport = now;
                int seen = (int) ((long) n * (b + 1) / batches); // for display only: batches may differ in size by one
                double elapsed = (now - t0) / 1e9;
                double eta = elapsed * (n - seen) / seen;
                host.progress(epoch, epochs, seen, n, sum / seen, eta, state.lastLoss, state.lastVal);
                listener.batch(index, epoch, epochs, seen, n, sum / seen, elapsed);
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        listener.batch(index, epoch, epochs, n, n, sum / n, elapsed); // the full bar, and the sample count for the epoch line
        return sum;
    }

    private double validationLoss(FloatMatrix val, int epoch) throws StageFailure {
        double v;
        try {
            v = stage.loss(val);
        } catch (UnsupportedOperationException e) {
            throw new StageFailure("stage " + (index + 1) + " (" + type + ") computes no validation loss ("
                    + e.getMessage() + "); remove stages[" + index + "].train.validation");
        }
        if (!Double.isFinite(v)) {
            throw new StageFailure("stage " + (index + 1) + " (" + type + ") epoch " + epoch + ": val_loss is " + v
                    + " on " + val.rows() + " validation rows" + kept(epoch));
        }
        return v;
    }

    /** {@code val_loss} first, then the held-out metrics: what the listener shows. */
    private static Map<String, Double> withValidation(double val, boolean any, Map<String, Double> metrics) {
        if (!any) {
            return metrics;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("val_loss", val);
        out.putAll(metrics);
        return out;
    }

    /** Records why training stopped and, with restoreBest, puts the best epoch's parameters back and saves them. */
    private void finishEarlyStopping(EarlyStopping stopping, List<Parameter> best, int last,
            History.StageEntry history) throws IOException {
        String where = where();
        boolean restore = best != null && stopping.bestEpoch() != last;
        if (restore) {
            host.doing("saving the best epoch's model");
            stage.restore(best);
            host.save(best);
            history.restoredEpoch = stopping.bestEpoch();
        }
        History.Stopped stopped = stopping.stoppedEntry(restore, stage.epochs());
        if (stopped != null) {
            history.stopped = stopped;
            host.log(where + ": stopped early after epoch " + stopping.stoppedEpoch() + ": " + stopped.reason());
        } else if (restore) {
            host.log(where + ": restored epoch " + stopping.bestEpoch() + ", the best " + stopping.options().monitor()
                    + " (" + stopping.best() + ")");
        }
        run.writeHistory();
    }

    /** The job stops on a failing regularizer: its name and bundle, where, and which model is kept. */
    private StageFailure penaltyFailure(GuardedPenalty.Failure e, int epoch, String at) {
        if (e.getCause() != null) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            run.log(trace.toString());
        }
        return new StageFailure("stage " + (index + 1) + " (" + type + ") epoch " + epoch + ", " + at + ": "
                + e.getMessage() + kept(epoch));
    }

    /**
     * What a failure in {@code epoch} leaves: the model of the epoch before, when one was saved (epoch 1 saves none; a
     * resumed run's folder holds the model of the epoch it resumed after).
     */
    private String kept(int epoch) {
        return epoch > 1 && Files.isRegularFile(stageDir.resolve("model.json"))
                ? "; the model of epoch " + (epoch - 1) + " is kept in " + stageDir
                : "; no epoch finished, so no model was saved";
    }

    private void checkFinite(int epoch, Map<String, Double> metrics) throws StageFailure {
        for (var e : metrics.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new StageFailure("stage " + (index + 1) + " (" + type + ") epoch " + epoch + ": metric "
                        + e.getKey() + " is " + e.getValue() + kept(epoch));
            }
        }
    }
}
