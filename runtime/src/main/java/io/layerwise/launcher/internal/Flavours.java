package io.layerwise.launcher.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Chooses the ND4J natives flavour from the CPU flags in {@code /proc/cpuinfo}, or from an override. */
public final class Flavours {

    public static final String GENERIC = "linux-x86_64";
    public static final String AVX2 = "linux-x86_64-avx2";
    public static final String AVX512 = "linux-x86_64-avx512";
    public static final String CUDA = "cuda";
    public static final List<String> ALL = List.of(GENERIC, AVX2, AVX512, CUDA);

    // libnd4j's avx512 build is compiled for Skylake-X: all five are required, not just avx512f.
    static final List<String> AVX512_FLAGS = List.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd");
    static final List<String> AVX2_FLAGS = List.of("avx2", "fma");

    private Flavours() {
    }

    /** The choice and why. */
    public record Choice(String flavour, String reason) {
    }

    /**
     * @param cpuinfo  the text of /proc/cpuinfo (empty when unreadable)
     * @param override a flavour name or alias given by the user, or null
     * @param source   how the override was given, for the reason ("--backend", "LAYERWISE_BACKEND")
     */
    public static Choice choose(String cpuinfo, String override, String source) {
        Set<String> flags = flags(cpuinfo);
        if (override != null && !override.isBlank()) {
            String flavour = canonical(override);
            String reason = "override " + source + "=" + override.trim();
            String missing = missingFlags(flavour, flags);
            return new Choice(flavour, missing.isEmpty() ? reason : reason + " (cpu lacks " + missing + ")");
        }
        if (flags.containsAll(AVX512_FLAGS)) {
            return new Choice(AVX512, "cpu flags " + String.join(" ", AVX512_FLAGS) + " present");
        }
        if (flags.containsAll(AVX2_FLAGS)) {
            return new Choice(AVX2, "cpu flags " + String.join(" ", AVX2_FLAGS) + " present"
                    + (flags.contains("avx512f") ? ", not all of " + String.join(" ", AVX512_FLAGS) : ""));
        }
        return new Choice(GENERIC, flags.isEmpty() ? "no cpu flags readable" : "cpu lacks avx2+fma");
    }

    /**
     * Without an override, an NVIDIA GPU takes precedence over the CPU flags when the cuda flavour was built
     * ({@code mvn -Pcuda install}); when it was not, the CPU choice stands and its reason says how to get it.
     */
    public static Choice preferGpu(Choice cpuChoice, boolean nvidiaGpu, boolean cudaBuilt) {
        if (!nvidiaGpu) {
            return cpuChoice;
        }
        if (cudaBuilt) {
            return new Choice(CUDA, "NVIDIA GPU present and the cuda flavour is built");
        }
        return new Choice(cpuChoice.flavour(), cpuChoice.reason()
                + "; an NVIDIA GPU is present but the cuda flavour is not built (mvn -Pcuda install)");
    }

    /** The flags of the first processor listed; every core of one machine reports the same set. */
    static Set<String> flags(String cpuinfo) {
        String flags = field(cpuinfo, "flags");
        return flags.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(flags.split("\\s+")));
    }

    /** The value of {@code name} for the first processor listed, or "" when absent. */
    static String field(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    /** Accepts the full names and the short forms {@code generic}, {@code avx2}, {@code avx512}. */
    static String canonical(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "generic", "x86_64", "linux-x86_64" -> {
                return GENERIC;
            }
            case "avx2", "linux-x86_64-avx2" -> {
                return AVX2;
            }
            case "avx512", "linux-x86_64-avx512" -> {
                return AVX512;
            }
            case "cuda" -> {
                return CUDA;
            }
            default -> throw new IllegalArgumentException("unknown backend \"" + name.trim()
                    + "\"; known: " + String.join(", ", ALL) + " (or generic, avx2, avx512)");
        }
    }

    private static String missingFlags(String flavour, Set<String> flags) {
        List<String> needed = flavour.equals(AVX512) ? AVX512_FLAGS : flavour.equals(AVX2) ? AVX2_FLAGS : List.of();
        if (flags.isEmpty()) {
            return "";
        }
        return String.join(" ", needed.stream().filter(f -> !flags.contains(f)).toList());
    }
}
