package io.layerwise.shell.internal;

import java.util.Locale;
import java.util.Map;

/**
 * An epoch's progress as one line in the form of Keras:
 * {@code Epoch 3/15 [=========>....................] 5120/8000 - ETA 1s - loss: 80.1200 - val_loss: 79.3100}.
 * On a terminal the line of the running epoch is rewritten in place ({@code \r}, then blanks over what is left of
 * a longer line) and the finished epoch's line ends it; elsewhere (a CI log) only finished epochs print, one plain
 * line each. Keeps the width of the line on screen, so one instance serves one output stream.
 */
final class ProgressLine {
    static final int BAR_WIDTH = 30;

    private final boolean terminal;
    /** Characters of the unfinished in-place line on screen; 0 when the cursor is at the start of a fresh line. */
    private int shown;

    ProgressLine(boolean terminal) {
        this.terminal = terminal;
    }

    /** Within an epoch: the in-place line on a terminal, the empty string elsewhere. */
    String batch(int epoch, int epochs, int done, int total, double etaSeconds, double meanLoss) {
        if (!terminal) {
            return "";
        }
        return inPlace(running(epoch, epochs, done, total, etaSeconds, meanLoss, Double.NaN));
    }

    /**
     * The end of an epoch, with the line's end: {@code metrics} in their order, e.g. {@code val_loss} first, then
     * the held-out metrics. Without a sample count ({@code total} 0) the bar is left out.
     */
    String epoch(int epoch, int epochs, int total, double seconds, double loss, Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder(total > 0 ? head(epoch, epochs, total, total) : "Epoch " + epoch + "/" + epochs);
        sb.append(String.format(Locale.ROOT, " - %.2fs - loss: %s", seconds, number(loss)));
        metrics.forEach((k, v) -> sb.append(" - ").append(k).append(": ").append(number(v)));
        if (!terminal) {
            return sb + "\n";
        }
        String out = inPlace(sb.toString()) + "\n";
        shown = 0;
        return out;
    }

    /** A log line; on a terminal it first ends an unfinished in-place line, which the next batch redraws. */
    String message(String line) {
        String out = (shown > 0 ? "\n" : "") + line + "\n";
        shown = 0;
        return out;
    }

    /**
     * The line of a running epoch without terminal control characters, as {@code layerwise:status} shows it:
     * {@code valLoss} is the last finished epoch's (left out when NaN), as are an unknown ETA and loss.
     */
    static String running(int epoch, int epochs, int done, int total, double etaSeconds, double meanLoss,
            double valLoss) {
        StringBuilder sb = new StringBuilder(head(epoch, epochs, done, total));
        sb.append(" - ETA ").append(eta(etaSeconds));
        if (!Double.isNaN(meanLoss)) {
            sb.append(" - loss: ").append(number(meanLoss));
        }
        if (!Double.isNaN(valLoss)) {
            sb.append(" - val_loss: ").append(number(valLoss));
        }
        return sb.toString();
    }

    /** {@code Epoch 3/15 [=========>....................] 5120/8000}. */
    static String head(int epoch, int epochs, int done, int total) {
        return "Epoch " + epoch + "/" + epochs + " [" + bar(done, total) + "] " + done + "/" + total;
    }

    /**
     * {@link #BAR_WIDTH} characters: {@code =} for the part done with {@code >} at its tip, {@code .} for the rest;
     * all {@code =} when done.
     */
    static String bar(int done, int total) {
        if (total <= 0 || done >= total) {
            return "=".repeat(BAR_WIDTH);
        }
        int filled = (int) ((long) BAR_WIDTH * Math.max(0, done) / total);
        return filled == 0 ? ".".repeat(BAR_WIDTH) : "=".repeat(filled - 1) + ">" + ".".repeat(BAR_WIDTH - filled);
    }

    /** Whole seconds as {@code 45s}, {@code 2:05} or {@code 1:02:05}; {@code ?} when unknown. */
    static String eta(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    static String number(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** {@code \r} and the line, with blanks over the rest of a longer line before it. */
    private String inPlace(String line) {
        String out = "\r" + line + " ".repeat(Math.max(0, shown - line.length()));
        shown = line.length();
        return out;
    }
}
