package io.layerwise.itest;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * The live heap of this JVM, measured by the class histogram of a full GC ({@code jcmd GC.class_histogram}, run
 * in-process). Unlike "used after System.gc()", it does not count what a job training at the same time allocated
 * after that collection, which made such readings swing by 10 MiB from one second to the next.
 */
final class LiveHeap {
    /** Bytes of live objects per class name (several loaders' classes of one name added up). */
    private final Map<String, Long> bytesByClass;
    private final long total;

    private LiveHeap(Map<String, Long> bytesByClass, long total) {
        this.bytesByClass = bytesByClass;
        this.total = total;
    }

    static LiveHeap measure() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Long> byClass = new HashMap<>();
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (line.startsWith("Total")) {
                return new LiveHeap(byClass, Long.parseLong(f[2]));
            }
            if (f.length >= 4 && f[0].endsWith(":")) { // "num: instances bytes class-name [(module)]"
                byClass.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        throw new AssertionError("no Total line in the class histogram:\n" + histogram);
    }

    /** Bytes of live objects: the histogram's Total line. */
    long total() {
        return total;
    }

    /** The classes whose live bytes grew most since {@code earlier}: what to look at when the heap is not flat. */
    String growthSince(LiveHeap earlier, int classes) {
        return bytesByClass.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - earlier.bytesByClass.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(classes)
                .map(e -> String.format(Locale.ROOT, "  %+9d %s", e.getValue(), e.getKey()))
                .collect(Collectors.joining("\n"));
    }
}
