package io.layerwise.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** report.html: one self-contained page (pictures inlined) of a run directory, drawn by {@link RunReport}. */
final class ReportHtml {
    private ReportHtml() {
    }

    @SuppressWarnings("unchecked")
    static String html(Path runDir, Map<String, Object> history) throws IOException {
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
        List<Path> pictures = RunReport.pictures(runDir);
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
                    .append(esc(RunReport.CAPTIONS.getOrDefault(file, file))).append("</figcaption></figure>\n");
        }
        h.append("<h2>History</h2>\n");
        for (Map<String, Object> stage : RunReport.stages(history)) {
            h.append("<h3>stage ").append(esc(RunReport.text(stage.get("index")))).append(": ").append(esc(String.valueOf(stage.get("type"))))
                    .append(' ').append(esc(RunReport.text(stage.get("inputSize")))).append(" &rarr; ")
                    .append(esc(RunReport.text(stage.get("outputSize")))).append(" (").append(esc(String.valueOf(stage.get("bundle"))))
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
                    results.add(k + " " + RunReport.text(v));
                }
            }
            if (ft.get("metrics") instanceof Map<?, ?> m) {
                results.add(RunReport.metrics((Map<String, Object>) m));
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
        if (name.equals(RunReport.LOSS) || name.equals("latent.png") || name.equals("reconstructions.png")) {
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
            names.addAll(RunReport.besideLoss(e).keySet()); // val_loss, val_error first, as in the epoch lines
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
            h.append("<tr><td>").append(esc(RunReport.text(e.get("epoch")))).append("</td><td>")
                    .append(e.get("loss") == null ? "" : esc(RunReport.text(e.get("loss")))).append("</td><td>")
                    .append(e.get("seconds") instanceof Number s ? String.format(Locale.ROOT, "%.2f", s.doubleValue()) : "")
                    .append("</td>");
            Map<String, Object> m = RunReport.besideLoss(e);
            if (e.get("metrics") instanceof Map<?, ?> mm) {
                m.putAll((Map<String, Object>) mm);
            }
            for (String n : names) {
                h.append("<td>").append(m.get(n) == null ? "" : esc(RunReport.text(m.get(n)))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
