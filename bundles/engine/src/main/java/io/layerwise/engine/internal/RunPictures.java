package io.layerwise.engine.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Picture;
import io.layerwise.api.stage.Stage;
import io.layerwise.report.Colouring;
import io.layerwise.report.FilterAnimation;
import io.layerwise.report.FilterTiles;
import io.layerwise.report.ImageTiles;
import io.layerwise.report.LabelledRows;
import io.layerwise.report.LatentPicture;
import io.layerwise.report.PngFiles;
import io.layerwise.report.ReconstructionPicture;
import io.layerwise.report.RunReport;
import io.layerwise.report.TileShape;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The pictures of a run, called from the job at three points: after every epoch ({@code filters.gif} grows by a
 * frame), after every stage ({@code filters.png}, the stage's own pictures, {@code reconstructions.png}) and at the
 * end ({@code latent.png}, {@code loss.png}, {@code report.html}). A picture that cannot be drawn is logged and
 * never fails the run.
 */
final class RunPictures {
    static final int FILTERS = 100;
    /** Filters per frame of filters.gif: the first 64 units (8 x 8) keep a frame near 40 KB. */
    static final int ANIMATED_FILTERS = 64;
    /** Rows drawn in latent.png; the first ones of the test set (MNIST's test set is in no particular order). */
    static final int LATENT_ROWS = 2500;
    /** Trustworthiness is O(n^2 log n): the first 1,000 of the latent rows take about a second. */
    static final int TRUSTWORTHINESS_ROWS = 1000;
    static final int TRUSTWORTHINESS_K = 10;
    static final int RECONSTRUCTIONS = 10;

    private final Path runDir;
    private final Dataset data;
    private final int stageCount;
    private final boolean unrolled;
    private final Consumer<String> log;
    private final Map<Integer, FilterAnimation> animations = new HashMap<>();
    private final List<String> encoderActivations = new ArrayList<>();
    private final List<String> decoderActivations = new ArrayList<>();
    /** The rows whose codes latent.png draws, their labels, and their top codes once the last stage is done. */
    private final FloatMatrix latentRows;
    private final Colouring latentColours;
    private FloatMatrix topCodes;
    private String topTitle;
    /** Of the top code when it has at most 3 units (see {@link #trustworthiness}); null until then. */
    private Double trustworthiness;
    private Map<String, Object> trustworthinessOf;

    /** @param unrolled the pipeline fine-tunes the stack unrolled into a deep autoencoder */
    RunPictures(Path runDir, Dataset data, int stageCount, boolean unrolled, Consumer<String> log) {
        this.runDir = runDir;
        this.data = data;
        this.stageCount = stageCount;
        this.unrolled = unrolled;
        this.log = log;
        boolean heldOut = data.test() != null;
        FloatMatrix rows = heldOut ? data.test() : data.train();
        int n = Math.min(LATENT_ROWS, rows.rows());
        this.latentRows = rows.rows(0, n);
        int[] labels = heldOut ? data.testLabels() : data.trainLabels();
        float[] values = data.targets() == null ? null : heldOut ? data.targets().test() : data.targets().train();
        Colouring c = labels != null ? Colouring.byClass(labels, data.classNames())
                : values != null ? Colouring.byValue(values, data.targets().name()) : Colouring.NONE;
        this.latentColours = c.length() < 0 ? c : c.first(n);
    }

    /** One frame of filters.gif for stage {@code index} (0-based) after epoch {@code epoch}. */
    void afterEpoch(int index, Stage stage, Path stageDir, int epoch) {
        guard("filters.gif of stage " + (index + 1), () -> {
            Parameter w = stage.filters();
            if (w == null || w.shape().length != 2) {
                return;
            }
            FilterAnimation a = animations.computeIfAbsent(index, i -> new FilterAnimation(stage.epochs(), ANIMATED_FILTERS));
            if (a.wants(epoch)) {
                a.add(epoch, w.values(), w.shape()[0], w.shape()[1]);
                a.write(stageDir.resolve("filters.gif"));
            }
        });
    }

    /**
     * The pictures of a trained stage in its folder.
     *
     * @param heldOut the stage's input on held-out rows (training rows when the source has none)
     */
    void afterStage(int index, Stage stage, Path stageDir, FloatMatrix heldOut) {
        animations.remove(index);
        guard("filters.png of stage " + (index + 1), () -> {
            Parameter w = stage.filters();
            if (w != null && w.shape().length == 2) {
                FilterTiles.writeFilters(w.values(), w.shape()[0], w.shape()[1], FILTERS, stageDir.resolve("filters.png"));
            }
        });
        guard("pictures of stage " + (index + 1), () -> {
            for (Picture p : stage.pictures(heldOut)) {
                if (!RunDirectory.SAFE_NAME.matcher(p.name()).matches()) {
                    throw new IOException("picture name \"" + p.name() + "\" is not a plain file name");
                }
                FloatMatrix m = p.tiles();
                if (m.rows() == 0 || m.cols() == 0) {
                    continue;
                }
                boolean perTile = p.scaling() == Picture.Scaling.PER_TILE;
                PngFiles.write(stageDir.resolve(p.name() + ".png"), p.rowLabels().isEmpty()
                        ? ImageTiles.render(m.data(), m.rows(), m.cols(), m.rows(), TileShape.forLength(m.cols()),
                                Math.min(p.columns(), m.rows()), perTile)
                        : LabelledRows.render(m.data(), m.rows(), m.cols(), p.columns(), p.rowLabels(), perTile));
            }
        });
        guard("reconstructions.png of stage " + (index + 1), () -> {
            // only where the stage's input is the data's own rows (pixels, or whitened pixels), not codes
            if (stage.inputSize() != data.train().cols()) {
                return;
            }
            FloatMatrix x = heldOut.select(examples(heldOut.rows()));
            FloatMatrix r = stage.reconstruct(x);
            if (r != null) {
                ReconstructionPicture.write(stageDir.resolve("reconstructions.png"), x, stage.corrupt(x), r,
                        outsideUnit(x));
            }
        });
        if (unrolled) {
            DenseLayer e = stage.encoderLayer();
            DenseLayer d = stage.decoderLayer();
            encoderActivations.add(e == null ? null : e.activation());
            decoderActivations.add(d == null ? null : d.activation());
        }
        if (index == stageCount - 1) {
            guard("the codes for latent.png", () -> {
                topCodes = stage.encode(heldOut.rows(0, latentRows.rows()));
                topTitle = "stage " + stageCount + " (" + stage.inputSize() + " \u2192 " + stage.outputSize() + ")";
            });
        }
    }

    /**
     * latent.png (from the fine-tuned encoders when the stack was unrolled and fine-tuned, else from the last
     * stage), the fine-tuned reconstructions, loss.png and report.html.
     *
     * @param status the run's final word, which history.json does not hold yet
     */
    void afterJob(String status) {
        if (unrolled) {
            guard("the fine-tuned pictures", this::fineTuned);
        }
        guard("latent.png", () -> {
            if (topCodes != null) {
                LatentPicture.write(runDir.resolve("latent.png"), topCodes, latentColours, topTitle);
            }
        });
        guard("the top code's trustworthiness", () -> {
            if (topCodes != null && topCodes.cols() <= 3 && "done".equals(status)) {
                int n = Math.min(TRUSTWORTHINESS_ROWS, topCodes.rows());
                if (2 * n - 3 * TRUSTWORTHINESS_K - 1 > 0) {
                    double t = Trustworthiness.of(latentRows.rows(0, n), topCodes.rows(0, n), TRUSTWORTHINESS_K);
                    trustworthiness = t;
                    trustworthinessOf = new java.util.LinkedHashMap<>(Map.of("code", topTitle, "rows", n,
                            "k", TRUSTWORTHINESS_K));
                }
            }
        });
        guard("report.html", () -> {
            // a run that failed before drawing anything keeps only its record (pipeline.json, history.json, run.log)
            if ("done".equals(status) || !RunReport.pictures(runDir).isEmpty()) {
                log.accept("report: " + RunReport.write(runDir, status));
            }
        });
    }

    /**
     * The unrolled network saved in finetune/: {@code W1..Wk} are the fine-tuned encoders (activations as the
     * stages'), then {@code W(k+1)..W(2k-1)} and {@code Wout} the decoders, last stage's first.
     */
    private void fineTuned() throws IOException {
        Path dir = runDir.resolve("finetune");
        if (!Files.isRegularFile(dir.resolve("model.json")) || encoderActivations.size() != stageCount
                || encoderActivations.contains(null) || decoderActivations.contains(null)) {
            return;
        }
        Map<String, Parameter> p = new HashMap<>();
        for (Parameter q : ModelFiles.read(dir).parameters()) {
            p.put(q.name(), q);
        }
        int k = stageCount;
        FloatMatrix codes = encode(latentRows, p, k);
        topCodes = codes;
        topTitle = "fine-tuned encoder (" + latentRows.cols() + " \u2192 " + codes.cols() + ")";
        FloatMatrix x = latentRows.select(examples(latentRows.rows()));
        FloatMatrix y = encode(x, p, k);
        for (int l = k + 1; l <= 2 * k; l++) {
            boolean last = l == 2 * k;
            y = DenseForward.apply(y, p.get(last ? "Wout" : "W" + l), p.get(last ? "bout" : "b" + l),
                    decoderActivations.get(2 * k - l));
        }
        ReconstructionPicture.write(dir.resolve("reconstructions.png"), x, null, y, outsideUnit(x));
    }

    private FloatMatrix encode(FloatMatrix x, Map<String, Parameter> p, int layers) {
        FloatMatrix y = x;
        for (int l = 1; l <= layers; l++) {
            y = DenseForward.apply(y, p.get("W" + l), p.get("b" + l), encoderActivations.get(l - 1));
        }
        return y;
    }

    /**
     * {@code trustworthiness} (k = 10) of the top code on the first held-out rows, and what it was measured on, for
     * history.json; nothing unless the job finished with a code of at most 3 units.
     */
    void trustworthiness(History history) {
        if (trustworthiness != null) {
            history.trustworthiness = trustworthiness;
            history.trustworthinessOf = trustworthinessOf;
        }
    }

    /** Row indices of one example of each label 0..9 (the first of each), or the first ten rows without labels. */
    int[] examples(int rows) {
        int n = Math.min(RECONSTRUCTIONS, rows);
        int[] out = new int[n];
        int[] latentLabels = latentColours.classes();
        if (latentLabels == null) {
            for (int i = 0; i < n; i++) {
                out[i] = i;
            }
            return out;
        }
        int found = 0;
        for (int label = 0; label < n; label++) {
            for (int i = 0; i < Math.min(rows, latentLabels.length); i++) {
                if (latentLabels[i] == label) {
                    out[found++] = i;
                    break;
                }
            }
        }
        for (int i = 0; found < n; i++) {
            out[found++] = i; // fewer than ten labels: fill with the first rows
        }
        return out;
    }

    private static boolean outsideUnit(FloatMatrix m) {
        for (float v : m.data()) {
            if (!(v >= 0 && v <= 1)) {
                return true;
            }
        }
        return false;
    }

    private interface Action {
        void run() throws IOException;
    }

    private void guard(String what, Action action) {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            log.accept("could not draw " + what + ": " + e + "\n" + trace);
        }
    }
}
