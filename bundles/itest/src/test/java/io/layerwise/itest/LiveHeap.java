package io.layerwise.itest;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * The live heap of this JVM, measured by the class histogram of a full GC ({@code jcmd GC.class_histogram}, run
 * in-process). Unlike "used after System.gc()", it does not count what a job training at the same time allocated
 * after that collection, which made such readings swing by 10 MiB from one second to the next.
 */
final class LiveHeap {
    private LiveHeap() {
    }

    /** Bytes of live objects: the histogram's Total line. */
    static long bytes() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        for (String line : histogram.split("\n")) {
            if (line.startsWith("Total")) {
                String[] f = line.trim().split("\\s+");
                return Long.parseLong(f[2]);
            }
        }
        throw new AssertionError("no Total line in the class histogram:\n" + histogram);
    }
}
