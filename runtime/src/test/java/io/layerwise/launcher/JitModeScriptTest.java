package io.layerwise.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * runtime/jit-mode, the launcher's choice of JIT mode, run by bash as the launcher sources it: C2 for the loops a
 * directives file names ("kernels") for every command, and the user's LAYERWISE_JIT over it and C1.
 */
class JitModeScriptTest {
    private static final Path SCRIPT = Path.of("jit-mode").toAbsolutePath();

    @TempDir
    Path dir;

    /** {@code jit_mode ARGS} in {@link #dir}; {@code setting} is LAYERWISE_JIT, null for unset. Stdout and stderr. */
    private String[] choose(String setting, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of("bash", "-c", "source \"$0\"; jit_mode \"$@\"", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().remove("LAYERWISE_JIT");
        if (setting != null) {
            pb.environment().put("LAYERWISE_JIT", setting);
        }
        Path err = dir.resolve("stderr.txt");
        Process p = pb.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        return new String[] {out, Files.readString(err).strip()};
    }

    private String mode(String... args) throws IOException, InterruptedException {
        return choose(null, args)[0];
    }

    @Test
    void everyCommandGetsC2ForTheKernels() throws Exception {
        Files.writeString(dir.resolve("vae.json"),
                "{\"stages\": [{\"type\": \"zca\"}, {\"type\" :\"vae\", \"latent\": 20}]}");
        Files.writeString(dir.resolve("conv.json"),
                "{\"stages\": [{\"type\": \"conv-ae\", \"input\": [1, 28, 28]}]}");
        Files.createDirectories(dir.resolve("runs/c1"));
        Files.copy(dir.resolve("conv.json"), dir.resolve("runs/c1/pipeline.json"));

        assertEquals("kernels", mode("run", "vae.json"));
        assertEquals("kernels", mode("--backend", "generic", "run", "vae.json", "--epochs", "2"));
        assertEquals("kernels", mode("run", "conv.json"), "the layer library is in the kernels file");
        assertEquals("kernels", mode("resume", "runs/c1"));
        assertEquals("kernels", mode("bench", "convae", "--batch", "128"));
        assertEquals("kernels", mode("bench", "all"));
        assertEquals("kernels", mode("exec", "lb"));
        assertEquals("kernels", mode(), "the shell, from which labs train");
    }

    /**
     * The directives file that "kernels" hands HotSpot: a JVM refuses to start on one it cannot parse, so a typo there
     * would stop every command. Started as runtime/layerwise starts it.
     */
    @Test
    void theDirectivesFileLoads() throws Exception {
        Path java = jdkTool("java");
        String launcher = Files.readString(Path.of("layerwise"));
        String file = "jit-kernels.json";
        Process p = new ProcessBuilder(java.toString(), "-XX:+UnlockDiagnosticVMOptions",
                "-XX:CompilerDirectivesFile=" + Path.of(file).toAbsolutePath(), "-version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), file + ": " + out);
        assertTrue(out.contains("3 compiler directives added"), file + ": " + out);
        assertTrue(launcher.contains("-XX:CompilerDirectivesFile=\"$home/runtime/" + file + "\""),
                "the launcher names " + file);
    }

    /**
     * The kernels mode's flags as the launcher writes them, on a small program whose directives name one loop: C2
     * compiles that loop, and every other method that gets hot is compiled once, at tier 1 (C1 without profiling),
     * never first at tier 2 or 3. Profiled tier-3 code and the second compilation after it cost the start 20-90 ms and
     * slowed the first epochs (docs/performance.md, "C2 asked at a method's first compilation").
     */
    @Test
    void theKernelsModeCompilesTheNamedLoopWithC2AndTheRestOnceAtTier1() throws Exception {
        List<String> flags = kernelsFlags();
        assertTrue(flags.contains("-XX:Tier0ProfilingStartPercentage=0"), flags.toString());
        Files.writeString(dir.resolve("Hot.java"), """
                public class Hot {
                    static void scale(float[] a, int n) {
                        for (int i = 0; i < n; i++) {
                            a[i] = a[i] * 0.5f + 1f;
                        }
                    }

                    static int hash(String s) {
                        return s.hashCode() + s.length();
                    }

                    public static void main(String[] args) {
                        float[] a = new float[4096];
                        int h = 0;
                        for (int r = 0; r < 20000; r++) {
                            scale(a, a.length);
                            h += hash("run " + r);
                        }
                        System.out.println(a[0] + h);
                    }
                }
                """);
        Files.writeString(dir.resolve("directives.json"),
                "[{\"match\": [\"Hot.scale([FI)V\"], \"c2\": {\"Exclude\": false}},"
                        + " {\"match\": \"*.*\", \"c2\": {\"Exclude\": true}}]");
        runWithKernelsFlags("Hot", dir.resolve("directives.json"),
                "-Xlog:jit+compilation=debug:file=" + dir.resolve("jit.log"));
        int[] perTier = new int[5];
        boolean scaleByC2 = false;
        for (String line : Files.readAllLines(dir.resolve("jit.log"))) {
            String[] words = line.substring(line.indexOf(']', line.indexOf("jit,compilation")) + 1).trim()
                    .split("\\s+");
            for (int i = 1; i < words.length; i++) { // the compile id, then flags such as % or n, then the tier
                if (words[i].matches("[0-4]")) {
                    int tier = Integer.parseInt(words[i]);
                    perTier[tier]++;
                    scaleByC2 |= tier == 4 && line.contains("Hot::scale");
                    break;
                }
            }
        }
        assertTrue(scaleByC2, "C2 compiled Hot::scale");
        assertTrue(perTier[1] > 10, "methods compiled at tier 1: " + perTier[1]);
        assertEquals(0, perTier[2] + perTier[3], "compilations at tiers 2 and 3: " + perTier[2] + " and " + perTier[3]);
    }

    /**
     * The model files' SHA-256 (a VAE checkpoint hashes 7.8 MB each epoch) runs as HotSpot's SHA-256 stub only where
     * C2 compiles its callers: as C1 code it took 57 ms for 8 MB, 6 ms through the stub (docs/performance.md,
     * "Model files: one buffer, one pass, and SHA-256 by C2"). The second directive names those callers; this checks,
     * with the launcher's flags and file, that each named method exists with its descriptor and that C2 compiles the
     * digest's update of a small program that hashes as a checkpoint does.
     */
    @Test
    void theDigestsCallersGetC2AndSoTheSha256Stub() throws Exception {
        JsonArray directives = JsonParser.parseString(Files.readString(Path.of("jit-kernels.json"))).getAsJsonArray();
        List<String> digest = patterns(directives.get(1), false);
        for (String pattern : digest) {
            int paren = pattern.indexOf('(');
            int dot = pattern.lastIndexOf('.', paren);
            String type = pattern.substring(0, dot).replace('/', '.');
            assertTrue(type.startsWith("sun.security.provider."), pattern);
            assertTrue(descriptors(type, pattern.substring(dot + 1, paren)).contains(pattern.substring(paren)),
                    pattern + " is not a method of the JDK that runs the tests");
        }
        Files.writeString(dir.resolve("Digest.java"), """
                import java.security.MessageDigest;

                public class Digest {
                    public static void main(String[] args) throws Exception {
                        byte[] chunk = new byte[1 << 16];
                        MessageDigest md = MessageDigest.getInstance("SHA-256");
                        for (int array = 0; array < 50; array++) { // a checkpoint's arrays, a chunk at a time
                            for (int c = 0; c < 10; c++) {
                                md.update(chunk, 0, chunk.length);
                            }
                            System.out.println(md.digest()[0]);
                        }
                    }
                }
                """);
        runWithKernelsFlags("Digest", Path.of("jit-kernels.json").toAbsolutePath(),
                "-Xlog:jit+compilation=debug:file=" + dir.resolve("jit.log"));
        List<String> updates = Files.readAllLines(dir.resolve("jit.log")).stream()
                .filter(l -> l.contains("sun.security.provider.DigestBase::engineUpdate (")).toList();
        String byC2 = ".*\\s4\\s+sun\\.security\\.provider\\.DigestBase::engineUpdate .*";
        assertTrue(updates.stream().anyMatch(l -> l.matches(byC2)), "C2 compiled no DigestBase::engineUpdate: " + updates);
    }

    /**
     * C2 is asked at a method's first compilation, when the profile is young: a helper called in a named loop then
     * looked cold to it in some runs, was left out as "too big", and the loop ran as calls into C1 code (a batch-20
     * RBM epoch 0.63 s instead of 0.35-0.45 s on one core; docs/performance.md, "The sigmoid's helper inlined by
     * directive"). The directives file forces such helpers in; this checks that HotSpot takes that option in the
     * {@code c2} block, on a small program whose loop calls a helper above the 35-byte inlining limit.
     */
    @Test
    void theKernelsModeInlinesTheHelperItNamesIntoItsLoop() throws Exception {
        Files.writeString(dir.resolve("Loop.java"), """
                public class Loop {
                    static void scale(float[] a, int n) {
                        for (int i = 0; i < n; i++) {
                            a[i] = centre(a[i]);
                        }
                    }

                    static float centre(float x) {
                        float y = x * 0.25f + 1f;
                        float z = y * y * 0.125f - x * 0.5f;
                        float w = z * 0.75f + y * 0.25f - 0.5f;
                        return Math.max(-1f, Math.min(1f, w * 0.5f + z * 0.25f));
                    }

                    public static void main(String[] args) {
                        float[] a = new float[4096];
                        for (int r = 0; r < 20000; r++) {
                            scale(a, a.length);
                        }
                        System.out.println(a[0]);
                    }
                }
                """);
        Files.writeString(dir.resolve("directives.json"), "[{\"match\": [\"Loop.scale([FI)V\"], \"c2\": {\"Exclude\": false,"
                + " \"inline\": [\"+Loop.centre\"]}}, {\"match\": \"*.*\", \"c2\": {\"Exclude\": true}}]");
        String out = runWithKernelsFlags("Loop", dir.resolve("directives.json"), "-XX:+PrintCompilation",
                "-XX:+PrintInlining", "-XX:+DisplayVMOutput");
        List<String> decisions = out.lines().filter(l -> l.contains("Loop::centre") && l.contains("@ ")).toList();
        assertTrue(!decisions.isEmpty(), "C2 inlined nothing into Loop::scale: " + out);
        for (String d : decisions) {
            assertTrue(d.contains("force inline by CompileCommand"), d);
        }
    }

    /**
     * Compiles {@code name}.java from the test folder and runs it with the kernels mode's flags, the directives file
     * {@code directives} and {@code options}; returns what it printed, after checking that it exited with 0.
     */
    private String runWithKernelsFlags(String name, Path directives, String... options)
            throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder(jdkTool("javac").toString(), "-d", dir.toString(),
                dir.resolve(name + ".java").toString()).inheritIO().start().waitFor());
        List<String> command = new ArrayList<>(List.of(jdkTool("java").toString()));
        command.addAll(kernelsFlags());
        command.add("-XX:CompilerDirectivesFile=" + directives);
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", dir.toString(), name));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** The kernels mode's JVM flags as runtime/layerwise writes them, but its directives file. */
    private static List<String> kernelsFlags() throws IOException {
        String launcher = Files.readString(Path.of("layerwise"));
        int from = launcher.indexOf("jit=(", launcher.indexOf("  kernels)"));
        String array = launcher.substring(from + "jit=(".length(), launcher.indexOf(") ;;", from));
        List<String> flags = new ArrayList<>();
        for (String word : array.trim().split("\\s+")) {
            if (!word.startsWith("-XX:CompilerDirectivesFile=")) {
                flags.add(word);
            }
        }
        return flags;
    }

    /**
     * Every method the kernels mode gives C2 exists in the distribution's classes, with the descriptor where one is
     * named, and is a loop over primitive arrays: a renamed loop would silently run as C1 code (ten times slower), and
     * a method that takes arrays or lambdas, such as {@code Logistic.streamed}, was recompiled by C2 as new lambdas
     * reached it, taking a core from the BLAS threads in the first epochs (docs/performance.md, "C2 for the loops
     * alone"). The conv layers' library is named by class: its kernel classes, whose methods loop over values, and
     * none of the glue between them (a layer's forward and backward, the minibatch gather), which C2 compiled for
     * seconds of a core in the first epochs to no gain (docs/performance.md, "C2 for the conv layers' kernels, not
     * their glue"). No class given C2 has a method handed lambdas ({@code Split}, which runs a kernel's ranges on two
     * cores, has them all).
     */
    @Test
    void theDirectivesNameExistingLoopsOverPrimitiveArrays() throws Exception {
        JsonArray directives = JsonParser.parseString(Files.readString(Path.of("jit-kernels.json"))).getAsJsonArray();
        assertEquals(3, directives.size(), "the loops given C2, the JDK's SHA-256, then every other method refused: "
                + directives);
        List<String> kernels = patterns(directives.get(0), false);
        assertEquals(List.of("*.*"), patterns(directives.get(2), true), "every other method refused");
        assertTrue(kernels.contains("io/layerwise/core/nn/Logistic.sigmoid([F[FI)V"), kernels.toString());
        List<String> classes = layerClasses();
        assertTrue(classes.contains("io.layerwise.core.layers.Kernels"), classes.toString());
        javap(classes);
        List<String> layerKernels = new ArrayList<>();
        for (String pattern : kernels) {
            if (pattern.startsWith(LAYERS) && pattern.endsWith(".*")) {
                String type = pattern.substring(0, pattern.length() - 2).replace('/', '.');
                assertTrue(classes.contains(type), "jit-kernels.json: no class " + type + " in " + classes);
                layerKernels.add(type);
                continue;
            }
            int paren = pattern.indexOf('(');
            int dot = pattern.lastIndexOf('.', paren < 0 ? pattern.length() : paren);
            String type = pattern.substring(0, dot).replace('/', '.');
            String name = pattern.substring(dot + 1, paren < 0 ? pattern.length() : paren);
            List<String> found = descriptors(type, name);
            assertTrue(!found.isEmpty(), "jit-kernels.json: no method " + name + " in " + type);
            if (paren >= 0) {
                assertTrue(found.contains(pattern.substring(paren)), pattern + " is not among " + found);
                found = List.of(pattern.substring(paren));
            }
            for (String d : found) {
                assertTrue(!d.contains("L"), type + "." + name + d + " takes objects, not only arrays of primitives");
            }
        }
        assertTrue(layerKernels.contains("io.layerwise.core.layers.Kernels"), layerKernels.toString());
        for (String glue : List.of("Sequential", "Conv", "ConvTranspose", "Dense", "Batches")) {
            assertTrue(!layerKernels.contains("io.layerwise.core.layers." + glue), glue + " is glue, given C2");
        }
        // the library's methods that take a lambda's interface (theirs or java.util.function's): never given C2
        List<String> handedLambdas = new ArrayList<>();
        for (String type : classes) {
            for (String[] method : methods(type)) {
                String parameters = method[1].substring(0, method[1].indexOf(')'));
                if (parameters.contains("$Range;") || parameters.contains("Ljava/util/function/")) {
                    handedLambdas.add(type + "." + method[0]);
                    assertTrue(!layerKernels.contains(type), type + "." + method[0] + " is handed lambdas, given C2");
                }
            }
        }
        assertTrue(handedLambdas.contains("io.layerwise.core.layers.Split.run"), handedLambdas.toString());
    }

    /**
     * Every method a named loop calls that is not the JDK's (whose Math methods C2 takes as intrinsics) is forced
     * inline by the directives: left to C2's young profile, such a call stayed a call in some runs (the test above).
     */
    @Test
    void everyHelperANamedLoopCallsIsForcedInline() throws Exception {
        JsonObject given = JsonParser.parseString(Files.readString(Path.of("jit-kernels.json"))).getAsJsonArray()
                .get(0).getAsJsonObject();
        List<String> inline = new ArrayList<>();
        com.google.gson.JsonElement listed = given.getAsJsonObject("c2").get("inline");
        if (listed != null) {
            listed.getAsJsonArray().forEach(e -> inline.add(e.getAsString()));
        }
        Map<String, List<String>> loopsByType = new java.util.TreeMap<>();
        for (String pattern : patterns(given, false)) {
            int paren = pattern.indexOf('(');
            if (pattern.endsWith(".*")) {
                continue; // whole classes: their helpers are theirs, compiled by C2 as well
            }
            int dot = pattern.lastIndexOf('.', paren < 0 ? pattern.length() : paren);
            loopsByType.computeIfAbsent(pattern.substring(0, dot).replace('/', '.'), t -> new ArrayList<>())
                    .add(pattern.substring(dot + 1));
        }
        javap(new ArrayList<>(loopsByType.keySet()));
        List<String> helpers = new ArrayList<>();
        for (Map.Entry<String, List<String>> loops : loopsByType.entrySet()) {
            String type = loops.getKey();
            List<String> lines = listings.get(type);
            boolean inLoop = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("  ") && !line.startsWith("   ") && line.contains("(")
                        && i + 1 < lines.size() && lines.get(i + 1).contains("descriptor:")) {
                    String head = line.substring(0, line.indexOf('('));
                    String name = head.substring(head.lastIndexOf(' ') + 1);
                    String descriptor = lines.get(i + 1).substring(lines.get(i + 1).indexOf(':') + 1).strip();
                    inLoop = loops.getValue().stream().anyMatch(l -> l.equals(name) || l.equals(name + descriptor));
                } else if (inLoop && line.contains("invoke") && line.contains("// Method ")) {
                    String target = line.substring(line.indexOf("// Method ") + "// Method ".length());
                    boolean owned = target.indexOf('.') >= 0 && target.indexOf('.') < target.indexOf(':');
                    String owner = owned ? target.substring(0, target.indexOf('.')) : type.replace('.', '/');
                    String method = target.substring(owned ? target.indexOf('.') + 1 : 0, target.indexOf(':'));
                    if (!owner.startsWith("java/")) {
                        helpers.add(owner + "." + method);
                    }
                }
            }
        }
        assertTrue(helpers.contains("io/layerwise/core/nn/Logistic.centred"), helpers.toString());
        for (String helper : helpers) {
            assertTrue(inline.contains("+" + helper), "jit-kernels.json: " + helper + " is called in a named loop"
                    + " and not forced inline: " + inline);
        }
    }

    private static final String LAYERS = "io/layerwise/core/layers/";

    /** A directive's match patterns, checked to refuse C2 ({@code exclude}) or give it. */
    private static List<String> patterns(com.google.gson.JsonElement directive, boolean exclude) {
        JsonObject o = directive.getAsJsonObject();
        assertEquals(exclude, o.getAsJsonObject("c2").get("Exclude").getAsBoolean(), o.toString());
        List<String> named = new ArrayList<>();
        if (o.get("match").isJsonArray()) {
            o.getAsJsonArray("match").forEach(m -> named.add(m.getAsString()));
        } else {
            named.add(o.get("match").getAsString());
        }
        return named;
    }

    /** The classes of the layer library on the test class path (a bundle's private copy), by name. */
    private static List<String> layerClasses() throws IOException {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.endsWith(".jar")) {
                continue;
            }
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
                jar.stream().map(java.util.jar.JarEntry::getName)
                        .filter(n -> n.startsWith(LAYERS) && n.endsWith(".class")
                                && n.indexOf('/', LAYERS.length()) < 0)
                        .forEach(n -> names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
            }
        }
        return new ArrayList<>(names);
    }

    /** javap's listing of each class, by name: the kernels file names five methods of one class. */
    private final Map<String, List<String>> listings = new HashMap<>();

    /** The descriptors of the methods called {@code name} in {@code type}. */
    private List<String> descriptors(String type, String name) throws IOException, InterruptedException {
        List<String> found = new ArrayList<>();
        for (String[] method : methods(type)) {
            if (method[0].equals(name)) {
                found.add(method[1]);
            }
        }
        return found;
    }

    /**
     * javap's listings of {@code types}, with their bytecode, from the test class path in one run (a JVM start each
     * costs a second).
     */
    private void javap(List<String> types) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(jdkTool("javap").toString(), "-p", "-s", "-c", "-cp",
                System.getProperty("java.class.path")));
        command.addAll(types);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor(), lines.toString());
        String type = null;
        for (String line : lines) {
            if (!line.startsWith(" ") && line.endsWith("{")) {
                // a class's header: its declared name is the first word that names a class, before extends
                type = java.util.Arrays.stream(line.split("[ <{]")).filter(w -> w.contains(".")).findFirst()
                        .orElse(null);
                listings.put(type, new ArrayList<>());
            } else if (type != null) {
                listings.get(type).add(line);
            }
        }
        for (String t : types) {
            assertTrue(listings.containsKey(t), "javap listed no " + t + ": " + lines);
        }
    }

    /** The methods of {@code type}, name and descriptor, from its javap listing. */
    private List<String[]> methods(String type) throws IOException, InterruptedException {
        if (!listings.containsKey(type)) {
            javap(List.of(type));
        }
        List<String> lines = listings.get(type);
        List<String[]> found = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            String line = lines.get(i);
            int paren = line.indexOf('(');
            if (paren > 0 && lines.get(i + 1).contains("descriptor:")) {
                String head = line.substring(0, paren);
                found.add(new String[] {head.substring(head.lastIndexOf(' ') + 1),
                    lines.get(i + 1).substring(lines.get(i + 1).indexOf(':') + 1).strip()});
            }
        }
        return found;
    }

    /** A tool of the JDK that runs the tests. */
    private static Path jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name);
    }

    @Test
    void theUsersSettingWinsEverywhere() throws Exception {
        Files.writeString(dir.resolve("vae.json"), "{\"stages\": [{\"type\": \"vae\"}]}");
        assertEquals("c1", choose("c1", "run", "vae.json")[0]);
        assertEquals("c1", choose("c1")[0], "the shell");
        assertEquals("kernels", choose("kernels", "bench", "convae")[0]);
        String[] bad = choose("layers", "bench", "convae");
        assertEquals("kernels", bad[0], "an unknown setting is reported and the choice made as without it");
        assertTrue(bad[1].contains("LAYERWISE_JIT must be auto, c1 or kernels, got \"layers\""), bad[1]);
    }
}
