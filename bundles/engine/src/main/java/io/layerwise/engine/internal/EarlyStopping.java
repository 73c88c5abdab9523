package io.layerwise.engine.internal;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The early-stopping rule of Keras' {@code EarlyStopping}: an epoch improves when its monitored figure is below the
 * best so far by more than {@code minDelta}; training stops after {@code patience} epochs in a row without
 * improvement. The first epoch always improves. Pure bookkeeping: the caller keeps the best parameters when
 * {@link #observe} says {@link Decision#IMPROVED} and {@code restoreBest} is set.
 */
final class EarlyStopping {

    /** What one epoch's figure means for training. */
    enum Decision { IMPROVED, WAIT, STOP }

    /**
     * An {@code earlyStopping} object.
     *
     * @param monitor     {@code loss}, {@code val_loss} (or, when fine-tuning a classifier, {@code val_error})
     * @param patience    epochs in a row without improvement before stopping (at least 1)
     * @param minDelta    how much lower than the best a figure must be to count as an improvement (at least 0)
     * @param restoreBest whether the model saved at the end is the best epoch's rather than the last one's
     */
    record Options(String monitor, int patience, double minDelta, boolean restoreBest) {
        static final int DEFAULT_PATIENCE = 5;

        Options {
            if (monitor == null || patience < 1 || !(minDelta >= 0) || Double.isInfinite(minDelta)) {
                throw new IllegalArgumentException("monitor must be given, patience >= 1 and minDelta >= 0; got "
                        + monitor + ", " + patience + ", " + minDelta);
            }
        }

        /**
         * Reads {@code earlyStopping} from {@code parent} (null when absent).
         *
         * @param monitors     what may be monitored here; the first is the default without validation rows, the second
         *                     with them
         * @param validation   whether validation rows are held out (else only {@code loss} can be monitored)
         * @param validationAt the JSON path of the validation field, for the message
         */
        static Options read(Spec parent, List<String> monitors, boolean validation, String validationAt) {
            if (!parent.has("earlyStopping")) {
                if (parent.fieldNames().contains("earlyStopping")) {
                    parent.raw("earlyStopping"); // an explicit null reads as absent
                }
                return null;
            }
            Spec s = parent.object("earlyStopping");
            String monitor = s.choice("monitor", validation ? monitors.get(1) : monitors.get(0),
                    monitors.toArray(String[]::new));
            if (!validation && !monitor.equals("loss")) {
                throw new SpecException(s.pathOf("monitor"), "\"" + monitor + "\" needs validation rows; set "
                        + validationAt + " or monitor \"loss\"");
            }
            int patience = s.integer("patience", DEFAULT_PATIENCE, 1, 1_000_000);
            double minDelta = s.number("minDelta", 0.0, Range.nonNegative());
            boolean restoreBest = s.flag("restoreBest", false);
            return new Options(monitor, patience, minDelta, restoreBest);
        }
    }

    private final Options options;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int wait;
    private int stoppedEpoch;

    EarlyStopping(Options options) {
        this.options = options;
    }

    Options options() {
        return options;
    }

    /** Takes epoch {@code epoch}'s monitored figure (lower is better); NaN never improves. */
    Decision observe(int epoch, double value) {
        if (value < best - options.minDelta() || (bestEpoch == 0 && !Double.isNaN(value))) {
            best = value;
            bestEpoch = epoch;
            wait = 0;
            return Decision.IMPROVED;
        }
        wait++;
        if (wait >= options.patience()) {
            stoppedEpoch = epoch;
            return Decision.STOP;
        }
        return Decision.WAIT;
    }

    /** The counters, for a checkpoint: {@code best} (absent while infinite), {@code bestEpoch}, {@code wait}, {@code stoppedEpoch}. */
    Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        if (Double.isFinite(best)) {
            s.put("best", best);
        }
        s.put("bestEpoch", bestEpoch);
        s.put("wait", wait);
        s.put("stoppedEpoch", stoppedEpoch);
        return s;
    }

    /** Restores {@link #state()}. */
    void restore(Map<String, Object> s) {
        best = s.get("best") instanceof Number b ? b.doubleValue() : Double.POSITIVE_INFINITY;
        bestEpoch = ((Number) s.getOrDefault("bestEpoch", 0)).intValue();
        wait = ((Number) s.getOrDefault("wait", 0)).intValue();
        stoppedEpoch = ((Number) s.getOrDefault("stoppedEpoch", 0)).intValue();
    }

    /** The epoch with the best figure so far; 0 before any. */
    int bestEpoch() {
        return bestEpoch;
    }

    double best() {
        return best;
    }

    /** The epoch after which {@link #observe} said {@link Decision#STOP}; 0 while training goes on. */
    int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** Whether {@link #observe} said {@link Decision#STOP} before the last of {@code epochs} epochs. */
    boolean stoppedEarly(int epochs) {
        return stoppedEpoch > 0 && stoppedEpoch < epochs;
    }

    /** Why training stopped, for history.json and the log, e.g. {@code val_loss did not improve by minDelta 0.001 for 3 epochs}. */
    String reason() {
        return options.monitor() + " did not improve by minDelta " + number(options.minDelta()) + " for "
                + options.patience() + (options.patience() == 1 ? " epoch" : " epochs") + " (best "
                + number(best) + " in epoch " + bestEpoch + ")";
    }

    /**
     * The stage's (or fine-tuning's) {@code stopped} entry of history.json: the epoch it stopped after, the monitor,
     * the best epoch and the reason; null when training ran all its {@code epochs}.
     *
     * @param restored whether the best epoch's parameters were put back (the reason then says so)
     */
    History.Stopped stoppedEntry(boolean restored, int epochs) {
        if (!stoppedEarly(epochs)) {
            return null;
        }
        return new History.Stopped(stoppedEpoch, options.monitor(), bestEpoch,
                reason() + (restored ? "; restored epoch " + bestEpoch : ""));
    }

    private static String number(double v) {
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /** The monitors of a stage's {@code train} section: {@code loss}, {@code val_loss}. */
    static final List<String> STAGE_MONITORS = List.of("loss", "val_loss");
    /** The monitors of a classifying {@code finetune} section. */
    static final List<String> FINETUNE_MONITORS = Arrays.asList("loss", "val_loss", "val_error");
}
