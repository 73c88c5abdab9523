package io.layerwise.launcher.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a start's time goes, for {@code LAYERWISE_DEBUG=1}: milliseconds from the process's start to the end of each
 * named phase, one line. The process is runtime/layerwise's shell until it execs the JVM, so the first phase, up to
 * {@code main}, holds the script's work and the JVM's own start-up ({@code -1} where /proc cannot tell).
 */
public final class StartPhases {
    private static final double CLOCK_TICKS_PER_S = 100; // USER_HZ, 100 on every Linux architecture Java runs on
    private final long originNanos = System.nanoTime();
    private final long processAgeMs = processAgeMs();
    private final List<String> marks = new ArrayList<>();
    private final List<String> bundles = new ArrayList<>();

    public StartPhases() {
        marks.add("main " + processAgeMs);
    }

    /** Records that the phase {@code name} ends now. */
    public synchronized void mark(String name) {
        long since = (System.nanoTime() - originNanos) / 1_000_000;
        marks.add(name + " " + (processAgeMs < 0 ? -1 : processAgeMs + since));
    }

    /** This process's age from /proc (10 ms resolution): system uptime less its start time in clock ticks. */
    private static long processAgeMs() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double started = Long.parseLong(fields[19]) / CLOCK_TICKS_PER_S; // field 22 of stat(5)
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return Math.round((uptime - started) * 1000);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Records how long one bundle's {@code start()} took (its activator and SCR's immediate components). */
    public synchronized void bundle(String symbolicName, long nanos) {
        bundles.add(symbolicName + " " + nanos / 100_000 / 10.0);
    }

    @Override
    public synchronized String toString() {
        return "start phases (ms since the process started): " + String.join(", ", marks)
                + (bundles.isEmpty() ? "" : "\nbundle start, ms (in start order): " + String.join(", ", bundles));
    }
}
