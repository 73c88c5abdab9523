package io.layerwise.engine.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where a job's time went, by what it was doing ({@link JobHooks#doing}: "training", "evaluating", "drawing
 * pictures"), for {@code LAYERWISE_DEBUG=1}: each phase's milliseconds and count, in the order the phases first
 * began. Numbers in a phase's name ("at minibatch 300") are folded into one phase.
 */
final class JobPhases {
    private final Map<String, long[]> totals = new LinkedHashMap<>(); // phase -> {nanoseconds, count}
    private String current;
    private long since;

    /** The job now does {@code phase}; the one before it ends. */
    synchronized void enter(String phase) {
        long now = System.nanoTime();
        end(now);
        current = phase.replaceAll("\\d+", "N");
        since = now;
    }

    /** "training 1234 (5), evaluating 240 (5), ...": ms and count per phase, the phase in progress ended now. */
    synchronized String summary() {
        long now = System.nanoTime();
        end(now);
        current = null;
        StringJoiner out = new StringJoiner(", ");
        totals.forEach((phase, t) -> out.add(String.format(Locale.ROOT, "%s %d (%d)", phase, t[0] / 1_000_000, t[1])));
        return out.toString();
    }

    private void end(long now) {
        if (current != null) {
            long[] t = totals.computeIfAbsent(current, k -> new long[2]);
            t[0] += now - since;
            t[1]++;
        }
    }
}
