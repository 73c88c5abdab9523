package io.layerwise.api.pipeline;

import java.nio.file.Path;
import java.util.List;

/**
 * Metrics recomputed from a run directory's saved models, beside the figures its history.json recorded.
 *
 * @param entries one per metric of every stage (last epoch) and of fine-tuning ({@code testError})
 */
public record Evaluation(Path runDir, List<Entry> entries) {

    public Evaluation {
        entries = List.copyOf(entries);
    }

    /**
     * @param where    e.g. {@code stage 1 (dae)} or {@code finetune}
     * @param recorded the figure in history.json; NaN when none was recorded
     */
    public record Entry(String where, String metric, double recomputed, double recorded) {
        /** Equal to the recorded figure within float32 rounding (relative 1e-5). */
        public boolean matches() {
            return Math.abs(recomputed - recorded) <= 1e-5 * Math.max(1, Math.abs(recorded));
        }
    }

    public long mismatches() {
        return entries.stream().filter(e -> !e.matches()).count();
    }
}
