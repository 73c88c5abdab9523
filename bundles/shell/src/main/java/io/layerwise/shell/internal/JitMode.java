package io.layerwise.shell.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Which HotSpot compilers this JVM runs, read from its command line: {@code runtime/layerwise} keeps C2 for named
 * kernels only, by a directives file (runtime/jit-kernels.json), or turns it
 * off ({@code LAYERWISE_JIT=c1}: {@code -XX:TieredStopAtLevel=1}); an embedding or {@code LAYERWISE_JAVA_OPTS} may
 * choose otherwise, the last flag winning. Thresholds at 10^8 scaled down per method are an earlier form of the
 * kernels mode, still recognised.
 */
final class JitMode {
    private JitMode() {
    }

    /**
     * This JVM's command line from the process table. Not the management bean's input arguments: their first use loads
     * libmanagement, and a {@code dlopen} there while the backend's load thread resolves OpenBLAS symbols hung the
     * command once in BlasKernelIT (both threads in the dynamic linker).
     */
    static List<String> commandLine() {
        return ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
    }

    /** The launcher's C2 thresholds in its kernels mode (runtime/layerwise): no method reaches them unless scaled. */
    private static final long C2_OUT_OF_REACH = 100_000_000L;

    private static long threshold(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A line for {@code layerwise:backend}, from the JVM's input arguments in order. */
    static String describe(List<String> jvmArguments) {
        boolean tiered = true;
        int stopAt = 4;
        boolean c2OutOfReach = false; // an earlier "kernels": C2's thresholds scaled down per method
        List<String> kernels = new ArrayList<>();
        String directives = null; // runtime/jit-mode's "kernels": C2 for the methods the file names
        for (String a : jvmArguments) {
            if (a.startsWith("-XX:CompilerDirectivesFile=")) {
                directives = a.substring("-XX:CompilerDirectivesFile=".length());
            }
            if (a.startsWith("-XX:Tier4InvocationThreshold=")) {
                c2OutOfReach = threshold(a.substring("-XX:Tier4InvocationThreshold=".length())) >= C2_OUT_OF_REACH;
            } else if (a.startsWith("-XX:CompileCommand=CompileThresholdScaling,")) {
                kernels.add(a.split(",")[1]);
            }
            if (a.equals("-XX:-TieredCompilation")) {
                tiered = false;
            } else if (a.equals("-XX:+TieredCompilation")) {
                tiered = true;
            } else if (a.startsWith("-XX:TieredStopAtLevel=")) {
                try {
                    stopAt = Integer.parseInt(a.substring("-XX:TieredStopAtLevel=".length()));
                } catch (NumberFormatException e) {
                    return "unknown (" + a + ")";
                }
            }
        }
        if (!tiered) {
            return "C2 only (-XX:-TieredCompilation)";
        }
        if (stopAt < 4) {
            return "C1 only (-XX:TieredStopAtLevel=" + stopAt + ")";
        }
        if (directives != null) {
            return "C1, and C2 for the methods " + java.nio.file.Path.of(directives).getFileName() + " names";
        }
        return c2OutOfReach && !kernels.isEmpty() ? "C1, and C2 for " + String.join(", ", kernels) + " only"
                : "C1 and C2 (tiered)";
    }
}
