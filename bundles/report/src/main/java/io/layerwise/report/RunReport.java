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
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    private static final Map<String, String> CAPTIONS = Map.of(
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
        AtomicFiles.writeString(report, html(runDir, history));
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
    private static Map<String, Object> besideLoss(Map<String, Object> epoch) {
        Map<String, Object> out = new LinkedHashMap<>();
        epoch.forEach((k, v) -> {
            if (v instanceof Number && !Set.of("epoch", "loss", "seconds").contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String metrics(Map<String, Object> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + " " + text(v)));
        return String.join(", ", parts);
    }

    private static String text(Object v) {
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
    private static List<Map<String, Object>> stages(Map<String, Object> history) {
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

    // ---- HTML ----

    @SuppressWarnings("unchecked")
    private static String html(Path runDir, Map<String, Object> history) throws IOException {
        StringBuilder h = new StringBuilder();
        String name = String.valueOf(history.get("pipeline"));
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(name)).append(" - Layerwise run</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;max-width:80em;color:#222}\n")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}\n")
                .append("th,td{border:1px solid #ccc;padding:2px 8px;text-align:right;font-size:90%}\n")
                .append("th{background:#f2f2f2}\npre{background:#f8f8f8;padding:0.8em;overflow:auto;font-size:85%}\n")
                .append("figure{display:inline-block;margin:0 1.5em 1.5em 0;vertical-align:top}\n")
                .append("figcaption{font-size:85%;color:#555;max-width:40em}\n")
                .append("img{image-rendering:pixelated;border:1px solid #eee}\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(name)).append("</h1>\n<p>Run directory <code>").append(esc(runDir.toString()))
                .append("</code>, status <b>").append(esc(String.valueOf(history.get("status")))).append("</b>");
        if (history.get("message") != null) {
            h.append(": ").append(esc(String.valueOf(history.get("message"))));
        }
        h.append("</p>\n");
        List<Path> pictures = pictures(runDir);
        h.append("<h2>Pictures</h2>\n");
        String folder = null;
        for (Path p : pictures) {
            String f = p.getParent() == null ? "" : p.getParent().toString();
            if (!f.equals(folder)) {
                folder = f;
                h.append("<h3>").append(esc(f.isEmpty() ? "the run" : f)).append("</h3>\n");
            }
            String file = p.getFileName().toString();
            String mime = file.endsWith(".gif") ? "image/gif" : "image/png";
            h.append("<figure><img alt=\"").append(esc(p.toString())).append('"').append(doubled(runDir.resolve(p)))
                    .append(" src=\"data:").append(mime)
                    .append(";base64,").append(Base64.getEncoder().encodeToString(Files.readAllBytes(runDir.resolve(p))))
                    .append("\"><figcaption><code>").append(esc(p.toString())).append("</code>: ")
                    .append(esc(CAPTIONS.getOrDefault(file, file))).append("</figcaption></figure>\n");
        }
        h.append("<h2>History</h2>\n");
        for (Map<String, Object> stage : stages(history)) {
            h.append("<h3>stage ").append(esc(text(stage.get("index")))).append(": ").append(esc(String.valueOf(stage.get("type"))))
                    .append(' ').append(esc(text(stage.get("inputSize")))).append(" &rarr; ")
                    .append(esc(text(stage.get("outputSize")))).append(" (").append(esc(String.valueOf(stage.get("bundle"))))
                    .append(' ').append(esc(String.valueOf(stage.get("bundleVersion")))).append(")</h3>\n");
            table(h, stage);
        }
        if (history.get("finetune") instanceof Map<?, ?> f) {
            Map<String, Object> ft = (Map<String, Object>) f;
            h.append("<h3>fine-tuning: ").append(esc(String.valueOf(ft.get("head")))).append("</h3>\n");
            table(h, ft);
            List<String> results = new ArrayList<>();
            for (String k : List.of("testError", "testLoss")) {
                if (ft.get(k) instanceof Number v) {
                    results.add(k + " " + text(v));
                }
            }
            if (ft.get("metrics") instanceof Map<?, ?> m) {
                results.add(metrics((Map<String, Object>) m));
            }
            if (!results.isEmpty()) {
                h.append("<p>Test: ").append(esc(String.join(", ", results))).append("</p>\n");
            }
        }
        h.append("<h2>Pipeline</h2>\n<p>As resolved (defaults filled in), from <code>pipeline.json</code>:</p>\n<pre>");
        Path pipeline = runDir.resolve("pipeline.json");
        h.append(esc(Files.isRegularFile(pipeline) ? Files.readString(pipeline) : "(missing)"));
        h.append("</pre>\n</body>\n</html>\n");
        return h.toString();
    }

    /**
     * {@code width} at twice the picture's own for grids of 28-pixel tiles (filters, samples, a confusion matrix),
     * which are too small to read at their own size; empty for plots, drawn at the size to read them at.
     */
    private static String doubled(Path picture) {
        String name = picture.getFileName().toString();
        if (name.equals(LOSS) || name.equals("latent.png") || name.equals("reconstructions.png")) {
            return "";
        }
        try {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(picture.toFile());
            return img == null ? "" : " width=\"" + 2 * img.getWidth() + "\"";
        } catch (IOException e) {
            return "";
        }
    }

    @SuppressWarnings("unchecked")
    private static void table(StringBuilder h, Map<String, Object> entry) {
        List<Map<String, Object>> epochs = entry.get("epochs") instanceof List<?> l ? (List<Map<String, Object>>) l
                : List.of();
        if (epochs.isEmpty()) {
            h.append("<p>No epoch finished.</p>\n");
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        for (Map<String, Object> e : epochs) {
            names.addAll(besideLoss(e).keySet()); // val_loss, val_error first, as in the epoch lines
        }
        for (Map<String, Object> e : epochs) {
            if (e.get("metrics") instanceof Map<?, ?> m) {
                ((Map<String, Object>) m).keySet().forEach(names::add);
            }
        }
        h.append("<table>\n<tr><th>epoch</th><th>loss</th><th>seconds</th>");
        names.forEach(n -> h.append("<th>").append(esc(n)).append("</th>"));
        h.append("</tr>\n");
        for (Map<String, Object> e : epochs) {
            h.append("<tr><td>").append(esc(text(e.get("epoch")))).append("</td><td>")
                    .append(e.get("loss") == null ? "" : esc(text(e.get("loss")))).append("</td><td>")
                    .append(e.get("seconds") instanceof Number s ? String.format(Locale.ROOT, "%.2f", s.doubleValue()) : "")
                    .append("</td>");
            Map<String, Object> m = besideLoss(e);
            if (e.get("metrics") instanceof Map<?, ?> mm) {
                m.putAll((Map<String, Object>) mm);
            }
            for (String n : names) {
                h.append("<td>").append(m.get(n) == null ? "" : esc(text(m.get(n)))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
