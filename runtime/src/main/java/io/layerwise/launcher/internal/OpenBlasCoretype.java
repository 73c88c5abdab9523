package io.layerwise.launcher.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code OPENBLAS_CORETYPE} a CPU needs, where OpenBLAS's own detection picks the wrong kernels.
 *
 * <p>ND4J 1.0.0-M2.1 ships OpenBLAS 0.3.19, which predates AMD Zen 4 (cpu family 25 with AVX-512) and runs it with
 * its AVX2 "Zen" kernels. Its AVX-512 Cooperlake kernels, the ones later OpenBLAS releases pick on Zen 4, are 1.5
 * times faster at batch-20 shapes (runtime/PERFORMANCE-NOTES.md). The variable must be in the environment before
 * OpenBLAS is loaded, which a running JVM cannot arrange for itself, so {@code runtime/layerwise} asks this class
 * (its {@link #main}) before it starts the JVM that runs the framework.
 */
public final class OpenBlasCoretype {
    private static final int ZEN_3_AND_LATER = 25;

    private OpenBlasCoretype() {
    }

    /** The core type to force for this CPU, or empty where OpenBLAS 0.3.19's detection is right. */
    public static Optional<String> forCpu(String cpuinfo) {
        if (!"AuthenticAMD".equals(Flavours.field(cpuinfo, "vendor_id"))) {
            return Optional.empty();
        }
        int family;
        try {
            family = Integer.parseInt(Flavours.field(cpuinfo, "cpu family"));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Set<String> flags = Flavours.flags(cpuinfo);
        if (family < ZEN_3_AND_LATER || !flags.containsAll(Flavours.AVX512_FLAGS)) {
            return Optional.empty(); // Zen 3 has no AVX-512, and OpenBLAS 0.3.19 knows it
        }
        return Optional.of(flags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX");
    }

    /** Prints the core type this machine needs, or nothing. */
    public static void main(String[] args) {
        String cpuinfo;
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            return; // not Linux, or hidden: OpenBLAS detects on its own
        }
        forCpu(cpuinfo).ifPresent(System.out::println);
    }
}
