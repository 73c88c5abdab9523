package io.layerwise.shell.internal;

import io.layerwise.api.pipeline.ProgressListener;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Collects a job's progress on the job's thread and hands it, as text, to the shell thread that prints it:
 * Gogo routes System.out per thread, so only the command's own thread reaches the user's terminal.
 */
final class ProgressPrinter implements ProgressListener {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final boolean terminal;

    ProgressPrinter(boolean terminal) {
        this.terminal = terminal;
    }

    BlockingQueue<String> lines() {
        return lines;
    }

    @Override
    public void message(String line) {
        lines.add(line + "\n");
    }

    @Override
    public void batch(int stage, int epoch, int epochs, int done, int total, double meanLoss, double elapsedSeconds) {
        if (terminal) {
            double eta = done == 0 ? 0 : elapsedSeconds * (total - done) / done;
            lines.add("\r" + bar(epoch, epochs, done, total) + String.format(Locale.ROOT, " - ETA %.0fs - loss: %.4f   ",
                    eta, meanLoss));
        }
    }

    @Override
    public void epoch(int stage, int epoch, int epochs, double loss, Map<String, Double> metrics, double seconds) {
        StringBuilder sb = new StringBuilder(terminal ? "\r" : "");
        sb.append(String.format(Locale.ROOT, "stage %d Epoch %d/%d - %.2fs - loss: %.4f", stage + 1, epoch, epochs,
                seconds, loss));
        metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " - %s: %.4f", k, v)));
        lines.add(sb.append(terminal ? "          \n" : "\n").toString());
    }

    static String bar(int epoch, int epochs, int done, int total) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + ".".repeat(width - filled);
        return "Epoch " + epoch + "/" + epochs + " [" + bar + "] " + done + "/" + total;
    }
}
