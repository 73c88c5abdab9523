package io.layerwise.shell.internal;

import io.layerwise.api.pipeline.ProgressListener;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Collects a job's progress on the job's thread and hands it, as text ({@link ProgressLine}), to the shell thread
 * that prints it: Gogo routes System.out per thread, so only the command's own thread reaches the user's terminal.
 */
final class ProgressPrinter implements ProgressListener {
    /** Marks the job's end in {@link #lines}, by identity: no line is this instance. */
    private static final String END = new String("(the job ended)");
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ProgressLine line;
    /** Samples per epoch, from the last {@link #batch} call (the engine makes one at the end of every epoch). */
    private int total;

    /** @param terminal whether the output is a terminal: a line updated in place, else one plain line per epoch */
    ProgressPrinter(boolean terminal) {
        this.line = new ProgressLine(terminal);
    }

    /** Called once the job has ended (after its last line): {@link #next} then returns null when the lines are out. */
    void ended() {
        lines.add(END);
    }

    /** The next line to print, waiting for it; null once the job has ended and every line before its end is out. */
    String next() throws InterruptedException {
        String line = lines.take();
        if (line == END) {
            lines.add(END); // a later call sees the end too
            return null;
        }
        return line;
    }

    @Override
    public void message(String text) {
        lines.add(line.message(text));
    }

    @Override
    public void batch(int stage, int epoch, int epochs, int done, int total, double meanLoss, double elapsedSeconds) {
        this.total = total;
        String s = line.batch(epoch, epochs, done, total, done == 0 ? Double.NaN : elapsedSeconds * (total - done) / done,
                meanLoss);
        if (!s.isEmpty()) {
            lines.add(s);
        }
    }

    /** {@code metrics} begin with {@code val_loss} when the stage holds out validation rows (see the listener). */
    @Override
    public void epoch(int stage, int epoch, int epochs, double loss, Map<String, Double> metrics, double seconds) {
        lines.add(line.epoch(epoch, epochs, total, seconds, loss, metrics));
    }
}
