package io.layerwise.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import io.layerwise.data.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A run directory's {@code report.html}: one self-contained page (pictures inline as data URIs, no scripts, no
 * fonts or styles from elsewhere) with the run's status, the resolved pipeline, the history of every stage as a
 * table, and every picture in the directory; and the same facts as a short text for the shell.
 */
public final class RunReport {
    public static final String REPORT = "report.html";
    public static final String LOSS = "loss.png";

    private static final Gson GSON = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    /** What each picture shows, by file name; other pictures get their name as caption. */
    static final Map<String, String> CAPTIONS = Map.of(
            "loss.png", "training loss per epoch, with the validation loss or the held-out metrics",
            "latent.png", "the test set in the top code, one colour per label",
            "filters.png", "filters: each unit's incoming weights, scaled to its own range",
            "filters.gif", "the filters forming, one frame per epoch",
            "reconstructions.png", "test inputs (corrupted, for a denoising autoencoder) and their reconstructions",
            "whitened.png", "whitened test inputs",
            "samples.png", "samples drawn from the model by Gibbs sampling",
            "confusion.png", "confusion matrix of the test set: true class down, predicted class across");
    private static final List<String> ORDER = List.of("loss.png", "latent.png", "filters.png", "filters.gif",
            "reconstructions.png");

    private RunReport() {
    }

    /**
     * Writes {@code loss.png} from history.json and then {@code report.html}; returns the report's path.
     *
     * @param status the run's final word ({@code done}, {@code failed}, ...) when history.json does not have it yet;
     *               null to take history.json's
     */
    public static Path write(Path runDir, String status) throws IOException {
        Map<String, Object> history = readObject(runDir.resolve("history.json"));
        if (status != null) {
            history.put("status", status);
        }
        LossPicture.write(runDir.resolve(LOSS), history);
        Path report = runDir.resolve(REPORT);
        AtomicFiles.writeString(report, ReportHtml.html(runDir, history));
        return report;
    }

    /** The run's pictures, relative to {@code runDir}: the run's own first, then each stage's folder in order. */
    public static List<Path> pictures(Path runDir) throws IOException {
        List<Path> out = new ArrayList<>(picturesIn(runDir, runDir));
        List<Path> dirs;
        try (Stream<Path> s = Files.list(runDir)) {
            dirs = s.filter(Files::isDirectory).sorted(Comparator.comparing(RunReport::folderOrder)
                    .thenComparing(p -> p.getFileName().toString())).toList();
        }
        for (Path d : dirs) {
            out.addAll(picturesIn(runDir, d));
        }
        return out;
    }

    /** Stage folders by number ({@code stage-2-x} before {@code stage-10-y}), then the rest (finetune) after. */
    private static long folderOrder(Path dir) {
        String name = dir.getFileName().toString();
        if (name.matches("stage-\\d+-.*")) {
            return Long.parseLong(name.substring(6, name.indexOf('-', 6)));
        }
        return Long.MAX_VALUE;
    }

    private static List<Path> picturesIn(Path runDir, Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".png") || p.toString().endsWith(".gif")))
                    .sorted(Comparator.comparing((Path p) -> {
                        int i = ORDER.indexOf(p.getFileName().toString());
                        return i < 0 ? ORDER.size() : i;
                    }).thenComparing(p -> p.getFileName().toString()))
                    .map(runDir::relativize).toList();
        }
    }

    /** A few lines for a terminal: the run, each stage's epochs and final loss and metrics, the pictures, the report. */
    @SuppressWarnings("unchecked")
    public static String summary(Path runDir) throws IOException {
        Map<String, Object> history = readObject(runDir.resolve("history.json"));
        StringBuilder sb = new StringBuilder();
        sb.append("run      ").append(runDir).append('\n');
        sb.append("pipeline ").append(history.get("pipeline")).append(", ").append(history.get("status"));
        if (history.get("message") != null) {
            sb.append(": ").append(history.get("message"));
        }
        sb.append('\n');
        for (Map<String, Object> stage : stages(history)) {
            sb.append(String.format(Locale.ROOT, "stage %s  %s %s -> %s", text(stage.get("index")), stage.get("type"),
                    text(stage.get("inputSize")), text(stage.get("outputSize"))));
            sb.append(epochLine(stage)).append('\n');
        }
        if (history.get("finetune") instanceof Map<?, ?> f) {
            Map<String, Object> ft = (Map<String, Object>) f;
            sb.append("finetune ").append(ft.get("head")).append(epochLine(ft));
            if (ft.get("testError") instanceof Number e) {
                sb.append(String.format(Locale.ROOT, ", test error %.2f%%", 100 * e.doubleValue()));
            }
            if (ft.get("metrics") instanceof Map<?, ?> m) {
                sb.append(", ").append(metrics((Map<String, Object>) m));
            }
            sb.append('\n');
        }
        List<Path> pictures = pictures(runDir);
        sb.append("pictures ").append(pictures.isEmpty() ? "none" : pictures.get(0));
        for (int i = 1; i < pictures.size(); i++) {
            sb.append("\n         ").append(pictures.get(i));
        }
        sb.append('\n');
        Path report = runDir.resolve(REPORT);
        sb.append("report   ").append(Files.exists(report) ? report : "(none)");
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static String epochLine(Map<String, Object> entry) {
        List<Map<String, Object>> epochs = entry.get("epochs") instanceof List<?> l ? (List<Map<String, Object>>) l
                : List.of();
        if (epochs.isEmpty()) {
            return ": no epoch finished";
        }
        Map<String, Object> last = epochs.get(epochs.size() - 1);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, ": %d epoch%s", epochs.size(),
                epochs.size() == 1 ? "" : "s"));
        if (last.get("loss") instanceof Number loss) {
            sb.append(String.format(Locale.ROOT, ", loss %.4f", loss.doubleValue()));
        }
        besideLoss(last).forEach((k, v) -> sb.append(", ").append(k).append(' ').append(text(v)));
        if (last.get("metrics") instanceof Map<?, ?> m && !m.isEmpty()) {
            sb.append(", ").append(metrics((Map<String, Object>) m));
        }
        return sb.toString();
    }

    /** Figures an epoch's record holds beside its loss ({@code val_loss}, {@code val_error}), in their order. */
    static Map<String, Object> besideLoss(Map<String, Object> epoch) {
        Map<String, Object> out = new LinkedHashMap<>();
        epoch.forEach((k, v) -> {
            if (v instanceof Number && !Set.of("epoch", "loss", "seconds").contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    static String metrics(Map<String, Object> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + " " + text(v)));
        return String.join(", ", parts);
    }

    static String text(Object v) {
        if (v instanceof Long || v instanceof Integer) {
            return v.toString();
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d)
                    : String.format(Locale.ROOT, Math.abs(d) >= 0.01 || d == 0 ? "%.4f" : "%.3g", d);
        }
        return String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> stages(Map<String, Object> history) {
        return history.get("stages") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    private static Map<String, Object> readObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": missing; is " + file.getParent() + " a run directory?");
        }
        try {
            Map<String, Object> m = GSON.fromJson(Files.readString(file), new TypeToken<LinkedHashMap<String, Object>>() { }
                    .getType());
            if (m == null) {
                throw new IOException(file + ": empty");
            }
            return m;
        } catch (com.google.gson.JsonParseException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }
}
