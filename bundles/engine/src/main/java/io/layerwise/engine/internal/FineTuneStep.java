package io.layerwise.engine.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.finetune.Network;
import io.layerwise.api.pipeline.ProgressListener;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.report.ConfusionPicture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Supervised fine-tuning after the stages: the head's network on the stages' encoder layers, trained on the raw
 * training rows and labels, with {@code val_loss} and {@code val_error} per epoch (and early stopping, as for a
 * stage) and, at the end, {@code testError} and the confusion matrix of the saved network (the best epoch's with
 * {@code restoreBest}). Writes the {@code finetune} entry of history.json and the folder {@code finetune/}.
 */
final class FineTuneStep {
    /** Labelled rows: the training part, the held-out validation part (may be empty) and the test set (may be null). */
    record Labelled(FloatMatrix train, int[] trainLabels, FloatMatrix val, int[] valLabels, FloatMatrix test,
            int[] testLabels, int classes) {
    }

    private final Plugins plugins;
    private final RunDirectory run;
    private final ProgressListener listener;
    private final BooleanSupplier cancelled;
    private final Consumer<String> log;
    private final EpochProgress progress;

    FineTuneStep(Plugins plugins, RunDirectory run, ProgressListener listener, BooleanSupplier cancelled,
            Consumer<String> log, EpochProgress progress) {
        this.plugins = plugins;
        this.run = run;
        this.listener = listener;
        this.cancelled = cancelled;
        this.log = log;
        this.progress = progress;
    }

    void run(FineTuneSection section, List<DenseLayer> encoders, List<DenseLayer> decoders, Labelled data, long seed,
            int stageIndex) throws IOException, StageFailure, Cancelled {
        Lookup.Held<FineTuner> tuner = plugins.heads().take(section.head()).orElseThrow(() -> new StageFailure(
                "finetune: head \"" + section.head() + "\" is not installed now; installed: " + plugins.heads().listing()));
        if (tuner.service() == null) {
            tuner.close();
            throw new StageFailure("finetune: the provider of head \"" + section.head() + "\" went away");
        }
        History.FineTuneEntry history = new History.FineTuneEntry();
        history.head = section.head();
        history.bundle = tuner.bundle();
        history.bundleVersion = tuner.version();
        history.pretrained = section.pretrain();
        history.layers = encoders.size();
        history.trainSamples = data.train().rows();
        history.validationSamples = data.val().rows();
        history.started = Instant.now().toString();
        run.history().finetune = history;
        try (tuner; Network net = tuner.service().create(section.spec(), encoders, decoders, data.train().cols(),
                data.classes(), seed)) {
            Path dir = run.folder("finetune");
            log.accept("finetune: " + section.head() + " on " + encoders.size() + " pretrained layer(s)"
                    + (section.pretrain() ? "" : " (random initialisation, pretrain false)") + " from "
                    + tuner.bundleAndVersion() + "; " + data.train().rows() + " training / " + data.val().rows()
                    + " validation rows");
            int batches = net.prepareTraining(data.train(), data.trainLabels());
            int n = data.train().rows();
            boolean validation = data.val().rows() > 0;
            EarlyStopping stopping = section.earlyStopping() == null ? null : new EarlyStopping(section.earlyStopping());
            List<Parameter> best = null;
            double lastLoss = Double.NaN;
            double lastVal = Double.NaN;
            int last = 0;
            for (int epoch = 1; epoch <= net.epochs(); epoch++) {
                progress.progress(epoch, net.epochs(), 0, n, Double.NaN, Double.NaN, lastLoss, lastVal);
                long t0 = System.nanoTime();
                long lastReport = t0;
                double sum = 0;
                for (int b = 0; b < batches; b++) {
                    if (cancelled.getAsBoolean()) {
                        throw new Cancelled("finetune epoch " + epoch + " at minibatch " + (b + 1));
                    }
                    double loss = net.trainBatch(b);
                    if (!Double.isFinite(loss)) {
                        throw new StageFailure("finetune diverged in epoch " + epoch + ", minibatch " + (b + 1)
                                + ": the loss is " + loss + "; lower the learning rate (finetune.optimizer.lr)");
                    }
                    sum += loss;
                    long now = System.nanoTime();
                    if ((now - lastReport) / 1e9 >= EpochLoop.PROGRESS_INTERVAL_S) {
                        lastReport = now;
                        int seen = (int) ((long) n * (b + 1) / batches);
                        double elapsed = (now - t0) / 1e9;
                        progress.progress(epoch, net.epochs(), seen, n, sum / seen, elapsed * (n - seen) / seen, lastLoss,
                                lastVal);
                        listener.batch(stageIndex, epoch, net.epochs(), seen, n, sum / seen, elapsed);
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double loss = sum / n;
                listener.batch(stageIndex, epoch, net.epochs(), n, n, loss, seconds);
                // val_loss and val_error beside loss, as a stage's val_loss; what else the head measures in metrics
                Map<String, Double> shown = new LinkedHashMap<>();
                Map<String, Double> metrics = new LinkedHashMap<>();
                double valError = Double.NaN;
                if (validation) {
                    lastVal = net.loss(data.val(), data.valLabels());
                    shown.put("val_loss", lastVal);
                    if (net.supervised()) {
                        valError = errorRate(net.predict(data.val()), data.valLabels());
                        shown.put("val_error", valError);
                    } else {
                        metrics.put("valSquaredError", squaredError(data.val(), net.reconstruct(data.val())));
                    }
                }
                shown.putAll(metrics);
                history.epochs.add(new History.Epoch(epoch, loss, validation ? lastVal : null,
                        validation && net.supervised() ? valError : null, seconds, metrics));
                run.writeHistory();
                last = epoch;
                lastLoss = loss;
                progress.progress(epoch, net.epochs(), n, n, loss, 0, loss, lastVal);
                run.log(Instant.now() + " " + String.format(Locale.ROOT, "finetune epoch %d/%d: loss %.4f %s %.2fs", epoch,
                        net.epochs(), loss, shown, seconds));
                listener.epoch(stageIndex, epoch, net.epochs(), loss, shown, seconds);
                if (stopping != null) {
                    String monitor = stopping.options().monitor();
                    EarlyStopping.Decision d = stopping.observe(epoch,
                            monitor.equals("loss") ? loss : monitor.equals("val_loss") ? lastVal : valError);
                    if (d == EarlyStopping.Decision.IMPROVED && stopping.options().restoreBest()) {
                        best = net.parameters();
                    }
                    if (d == EarlyStopping.Decision.STOP) {
                        break;
                    }
                }
            }
            if (stopping != null) {
                boolean restore = best != null && stopping.bestEpoch() != last;
                if (restore) {
                    net.restore(best);
                    history.restoredEpoch = stopping.bestEpoch();
                }
                History.Stopped stopped = stopping.stoppedEntry(restore, net.epochs());
                if (stopped != null) {
                    history.stopped = stopped;
                    log.accept("finetune: stopped early after epoch " + stopping.stoppedEpoch() + ": "
                            + stopped.reason());
                } else if (restore) {
                    log.accept("finetune: restored epoch " + stopping.bestEpoch() + ", the best "
                            + stopping.options().monitor() + " (" + stopping.best() + ")");
                }
            }
            if (!net.supervised() && data.test() != null) {
                double error = squaredError(data.test(), net.reconstruct(data.test()));
                history.metrics = metricsWithPca(error, encoders, data);
                log.accept(String.format(Locale.ROOT, "finetune: test squared error %.3f per image (%s)", error,
                        history.metrics));
            } else if (data.test() != null && data.testLabels() != null) {
                int[] predicted = net.predict(data.test());
                long[][] confusion = confusion(predicted, data.testLabels(), data.classes());
                double testError = errorRate(predicted, data.testLabels());
                history.testError = testError;
                history.testLoss = net.loss(data.test(), data.testLabels());
                history.confusion = confusion;
                ConfusionPicture.write(confusion, dir.resolve("confusion.png"));
                log.accept(String.format(Locale.ROOT, "finetune: test error %.2f%% on %d test rows", 100 * testError,
                        predicted.length));
            }
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("type", "finetune");
            header.put("head", section.head());
            header.put("bundle", tuner.bundle());
            header.put("bundleVersion", tuner.version());
            header.put("spec", section.raw());
            ModelFiles.write(dir, header, net.parameters());
            history.finished = Instant.now().toString();
            run.writeHistory();
        }
    }

    /**
     * {@code testSquaredError}, and beside it {@code pcaTestSquaredError}: the same error of a PCA with as many
     * components as the stack's code has units, fitted on the same training rows by the installed {@code pca} stage
     * type (the Hinton and Salakhutdinov comparison). Left out, with a log line, when no {@code pca} is installed.
     */
    private Map<String, Double> metricsWithPca(double error, List<DenseLayer> encoders, Labelled data) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("testSquaredError", error);
        int k = encoders.get(encoders.size() - 1).outputs();
        var found = plugins.stages().take("pca");
        if (found.isEmpty() || found.get().service() == null) {
            found.ifPresent(Lookup.Held::close);
            log.accept("finetune: no pca stage type installed; pcaTestSquaredError left out");
            return metrics;
        }
        try (Lookup.Held<StageProvider> pca = found.get();
                EngineStageContext context = new EngineStageContext(plugins.regularizers(), data.train().cols(),
                        io.layerwise.api.data.Dataset.UNIT, 0, line -> { });
                Stage stage = pca.service().create(new Spec("pca", new LinkedHashMap<>(Map.of("type", "pca", "components", k,
                        "epsilon", 0.0))), context)) {
            stage.fit(data.train());
            metrics.put("pcaTestSquaredError", squaredError(data.test(), stage.reconstruct(data.test())));
            metrics.put("pcaComponents", (double) k);
        }
        return metrics;
    }

    /** Mean over rows of {@code sum_i (r_i - x_i)^2}. */
    static double squaredError(FloatMatrix x, FloatMatrix reconstruction) {
        double sum = 0;
        float[] a = x.data();
        float[] b = reconstruction.data();
        for (int i = 0; i < a.length; i++) {
            double d = (double) b[i] - a[i];
            sum += d * d;
        }
        return x.rows() == 0 ? Double.NaN : sum / x.rows();
    }

    static double errorRate(int[] predicted, int[] labels) {
        int wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] != labels[i]) {
                wrong++;
            }
        }
        return labels.length == 0 ? Double.NaN : (double) wrong / labels.length;
    }

    /** {@code counts[true][predicted]}. */
    static long[][] confusion(int[] predicted, int[] labels, int classes) {
        long[][] counts = new long[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            counts[labels[i]][predicted[i]]++;
        }
        return counts;
    }
}
