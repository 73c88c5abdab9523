package io.layerwise.launcher.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The {@code OPENBLAS_CORETYPE} to start the framework with: the fastest kernel set that has not failed the backend's
 * BLAS self-test on this CPU.
 *
 * <p>Speed: OpenBLAS 0.3.19 and 0.3.21 predate AMD Zen 4 and 5 and run them with AVX2 or even SSE kernels; their
 * AVX-512 Cooperlake / SkylakeX kernels are up to twice as fast. Correctness: on those CPUs 0.3.19 (ND4J's own)
 * computes DTRMM wrongly with both AVX-512 kernel sets and DGEMM wrongly with Cooperlake's, which made the whitening
 * stages return wrong results (tools/blas-kernels); the distribution now carries 0.3.21, which gets them right, but
 * no kernel is trusted unchecked. So the kernel is a list of candidates, fastest first, and the backend bundle
 * checks every BLAS / LAPACK routine the platform calls at each start and remembers the verdict per CPU and OpenBLAS
 * build in a file ({@code key = pass | fail <why>}); a kernel that failed is skipped from then on, and a start under
 * a kernel not yet checked waits for its verdict and starts again under the next one if it fails
 * ({@code runtime/layerwise}, exit status {@link #RETRY}).
 *
 * <p>The variable must be in the environment before OpenBLAS is loaded, which a running JVM cannot arrange for
 * itself, so {@code runtime/layerwise} asks this class (its {@link #main}) before it starts the framework's JVM.
 */
public final class OpenBlasCoretype {
    /** Exit status of a framework JVM whose kernel just failed the self-test: start again with the next one. */
    public static final int RETRY = 75;
    /** The candidate that leaves the choice to OpenBLAS (the variable unset). */
    public static final String AUTO = "auto";
    /** AMD's family 17h: Zen, Zen+ and Zen 2 (AVX2, no AVX-512). */
    private static final int ZEN_1_AND_2 = 23;
    private static final int ZEN_3_AND_LATER = 25;
    private static final Pattern EMBEDDED_OPENBLAS = Pattern.compile("lib/openblas-(.+)-linux-x86_64\\.jar");

    private OpenBlasCoretype() {
    }

    /** The kernel to force for this CPU first, or empty where OpenBLAS's own detection is the fastest. */
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
        if (family == ZEN_1_AND_2 && flags.containsAll(Flavours.AVX2_FLAGS)) {
            // OpenBLAS's own choice here, its Zen set, runs the training shapes slower than Haswell's: on a 2-core
            // Zen 1, 128x784x500 at 53.7 GFLOP/s against 58.1 and 784x128x500 (A^T) at 46.2 against 53.0
            // (tools/blas-kernels/rates.c; docs/performance.md, "Haswell's kernels on Zen 1")
            return Optional.of("Haswell");
        }
        if (family < ZEN_3_AND_LATER || !flags.containsAll(Flavours.AVX512_FLAGS)) {
            return Optional.empty(); // Zen 3 has no AVX-512, and OpenBLAS knows it
        }
        return Optional.of(flags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX");
    }

    /**
     * Kernels to try in order: the user's setting if any, then the fastest for this CPU, slower ones that share
     * fewer kernels with it, and OpenBLAS's own choice ({@link #AUTO}). Haswell (AVX2) is the fallback wherever AVX2
     * exists: its kernels passed everywhere they were checked.
     */
    public static List<String> candidates(String cpuinfo, String userSetting) {
        Set<String> list = new LinkedHashSet<>();
        if (userSetting != null) {
            list.add(userSetting.isBlank() ? AUTO : userSetting.trim());
        }
        boolean avx2 = Flavours.flags(cpuinfo).containsAll(Flavours.AVX2_FLAGS);
        Optional<String> fastest = forCpu(cpuinfo);
        if (fastest.isPresent()) {
            list.add(fastest.get());
            if (fastest.get().equals("Cooperlake")) {
                list.add("SkylakeX");
            }
            list.add("Haswell");
            list.add(AUTO);
        } else {
            list.add(AUTO);
            if (avx2) {
                list.add("Haswell");
            }
        }
        return new ArrayList<>(list);
    }

    /** This CPU's part of a verdict key: its vendor, family, model and flags (a hash), so a new CPU checks again. */
    public static String cpuKey(String cpuinfo) {
        return "cpu-" + Integer.toHexString(Objects.hash(Flavours.field(cpuinfo, "vendor_id"),
                Flavours.field(cpuinfo, "cpu family"), Flavours.field(cpuinfo, "model"), Flavours.flags(cpuinfo)));
    }

    /**
     * The OpenBLAS build the distribution carries ({@code openblas-VERSION-linux-x86_64.jar} inside the ND4J
     * runtime bundle), part of every verdict key: another build gets its kernels checked again.
     */
    public static String openBlasBuild(Path dist) {
        try (DirectoryStream<Path> bundles = Files.newDirectoryStream(dist.resolve("bundle"), "layerwise-nd4j-runtime-*.jar")) {
            for (Path jar : bundles) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    Optional<String> build = zip.stream().map(ZipEntry::getName)
                            .map(name -> EMBEDDED_OPENBLAS.matcher(name))
                            .filter(Matcher::matches).map(m -> m.group(1)).findFirst();
                    if (build.isPresent()) {
                        return "openblas-" + build.get();
                    }
                }
            }
        } catch (IOException e) {
            // no distribution to read: a key without the build
        }
        return "openblas-unknown";
    }

    /**
     * The launcher's decision.
     *
     * @param coretype the kernel to start with ({@link #AUTO}: leave the variable unset)
     * @param key      its key in the verdict file, for the backend to record the self-test under
     * @param verified whether it already passed on this CPU; if not, the launcher waits for the verdict
     * @param refused  the kernels skipped because they failed, each with why; "" if none
     */
    public record Choice(String coretype, String key, boolean verified, String refused) {
    }

    /** The first candidate not known to fail; when all did, the last one (and the backend then refuses to compute). */
    public static Choice choose(List<String> candidates, String cpuKey, Properties verdicts) {
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            String c = candidates.get(i);
            String verdict = verdicts.getProperty(cpuKey + "." + c);
            boolean last = i == candidates.size() - 1;
            if (verdict == null || verdict.equals("pass") || last) {
                return new Choice(c, cpuKey + "." + c, verdict != null, String.join("; ", refused));
            }
            refused.add(c + " (" + verdict.replaceFirst("^fail ", "") + ")");
        }
        throw new IllegalArgumentException("no candidate kernels");
    }

    /**
     * The backend's remembered verdicts ({@code key = pass | fail <why>}): empty properties when there is no file yet,
     * empty (no answer) when the file cannot be read, e.g. while the backend replaces it.
     */
    public static Optional<Properties> verdicts(Path file) {
        Properties p = new Properties();
        if (!Files.isRegularFile(file)) {
            return Optional.of(p);
        }
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            return Optional.of(p);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Prints {@code coretype=}, {@code key=}, {@code verified=} and {@code refused=} lines for the launcher script.
     * Arguments: the distribution folder, the verdict file, then the user's {@code OPENBLAS_CORETYPE} if it was set.
     */
    public static void main(String[] args) throws IOException {
        String cpuinfo = "";
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            // not Linux, or hidden: only OpenBLAS's own choice is a candidate
        }
        Properties verdicts = verdicts(Path.of(args[1])).orElseGet(Properties::new);
        String machine = cpuKey(cpuinfo) + "." + openBlasBuild(Path.of(args[0]));
        Choice choice = choose(candidates(cpuinfo, args.length > 2 ? args[2] : null), machine, verdicts);
        System.out.println("coretype=" + choice.coretype());
        System.out.println("key=" + choice.key());
        System.out.println("verified=" + choice.verified());
        System.out.println("refused=" + choice.refused().replace('\n', ' '));
    }
}
