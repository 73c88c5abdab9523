package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Bundle;

/**
 * The bad-input corpus ({@code src/test/resources/bad-inputs/cases.txt}) through the Gogo commands of one running
 * framework: each case fails with one line naming the file, field or line, exits non-zero, changes nothing in the
 * working folder, and the framework runs a good pipeline afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class BadInputIT {
    static final Path CORPUS = corpus();

    static final String GOOD = """
            {"name": "good", "seed": 7, "data": {"source": "mnist"},
             "stages": [{"type": "dae", "hidden": 8, "noise": {"kind": "mask", "level": 0.3},
                         "train": {"epochs": 1, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}},
                        {"type": "ae", "hidden": 4,
                         "train": {"epochs": 1, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}]}
            """;

    /** In a command case, {@code {saved:RECIPE}} stands for a copy of the good run broken by a saved-run recipe. */
    static final java.util.regex.Pattern SAVED = java.util.regex.Pattern.compile("\\{saved:([a-z0-9-]+)}");

    /** One line of cases.txt. */
    record Case(String kind, String input, String fragment) {
        @Override
        public String toString() {
            return kind + " " + input;
        }
    }

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist(200, 50);
    Path good;
    Path goodRun;

    @BeforeAll
    void runTheGoodPipelineAndPlantFiles() throws Exception {
        good = PlatformIT.pipeline(felix.work(), "good", GOOD);
        goodRun = felix.work().resolve("good-run");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + goodRun + " " + good);
        assertEquals(0, r.exitCode(), r.all());
        Files.writeString(felix.work().resolve("a-file"), "not a directory");
        Files.createSymbolicLink(felix.work().resolve("link-to-elsewhere"), Files.createDirectories(felix.work().resolve("elsewhere")));
        Files.writeString(felix.work().resolve("outside.bin"), "outside");
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS.resolve("cases.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(" \\| ", 3);
            assertEquals(3, parts.length, "kind | input | fragment: " + line);
            cases.add(Arguments.of(new Case(parts[0].strip(), parts[1].strip(), parts[2].strip())));
        }
        assertTrue(cases.size() >= 30, "the issue asks for at least 30 bad inputs, got " + cases.size());
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Order(1)
    void eachBadInputFailsWithOneLineNamingItAndLeavesNothingBehind(Case c) throws Exception {
        String command = prepare(c);
        Map<Path, String> before = snapshot(felix.work());
        Shell.Result r = Shell.exec(felix.platform(), command);
        String err = r.err().strip();

        assertNotEquals(0, r.exitCode(), c + " must fail: " + r.all());
        assertFalse(err.contains("\n"), c + ": one line, got:\n" + r.all());
        assertFalse(err.contains("\tat ") || err.contains("Exception"), c + ": no stack trace or exception class: " + err);
        assertContainsInOrder(err, c.fragment(), c.toString());
        if (c.kind().equals("run") || c.kind().equals("diverges")) {
            assertTrue(err.contains(felix.work().resolve("pipelines").toString()) || c.kind().equals("diverges"),
                    c + ": the message names the pipeline file: " + err);
        }

        Map<Path, String> after = snapshot(felix.work());
        if (c.kind().equals("diverges")) {
            checkFailedRunKeptOnlyItsRecord(before, after);
        } else {
            assertEquals(before, after, c + ": nothing written, nothing changed");
            assertTrue(r.out().isBlank(), c + ": nothing printed but the error: " + r.out());
        }
    }

    @Test
    @Order(2)
    void afterEveryBadInputTheFrameworkStillRunsAGoodPipeline() throws Exception {
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("good-again") + " " + good);
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("done", PlatformIT.json(felix.work().resolve("good-again/history.json")).get("status").getAsString());
        for (Bundle b : felix.context().getBundles()) {
            assertEquals(PlatformIT.startedState(felix.context(), b), b.getState(), b.getSymbolicName());
        }
    }

    @Test
    @Order(3)
    void noRemoteShellListensAndAnAddedOneWouldBindToLoopback() {
        assertEquals("127.0.0.1", felix.context().getProperty("osgi.shell.telnet.ip"));
        for (Bundle b : felix.context().getBundles()) {
            String name = String.valueOf(b.getSymbolicName());
            assertFalse(name.contains("shell.remote") || name.contains("sshd") || name.contains("telnet"), name);
        }
        for (String daemon : List.of("telnetd status", "sshd status")) {
            Shell.Result r = Shell.exec(felix.platform(), daemon);
            assertNotEquals(0, r.exitCode(), daemon + " is no command here: " + r.all());
        }
    }

    /** The command line of a case, after writing what it needs into the working folder. */
    private String prepare(Case c) throws Exception {
        switch (c.kind()) {
            case "run", "diverges" -> {
                Path p = Files.createDirectories(felix.work().resolve("pipelines")).resolve(c.input());
                Files.copy(CORPUS.resolve(c.input()), p, StandardCopyOption.REPLACE_EXISTING);
                return "layerwise:run " + p;
            }
            case "data" -> {
                return "layerwise:run --data " + brokenData(c.input()) + " " + good;
            }
            case "encode" -> {
                Path p = Files.createDirectories(felix.work().resolve("inputs")).resolve(c.input());
                Files.copy(CORPUS.resolve(c.input()), p, StandardCopyOption.REPLACE_EXISTING);
                return "layerwise:encode " + goodRun + " " + p + " " + felix.work().resolve("codes.csv");
            }
            case "saved" -> {
                return "layerwise:eval " + brokenRun(c.input());
            }
            case "table" -> { // "FILE {data fields}": a one-stage pipeline whose data source reads FILE of this folder
                int brace = c.input().indexOf('{');
                String file = (brace < 0 ? c.input() : c.input().substring(0, brace)).strip();
                String fields = brace < 0 ? "" : c.input().substring(brace + 1, c.input().lastIndexOf('}')).strip();
                Path p = Files.createDirectories(felix.work().resolve("tables")).resolve(file);
                Files.copy(CORPUS.resolve(file), p, StandardCopyOption.REPLACE_EXISTING);
                if (file.equals("table-test-train.csv")) { // its held-out file, beside it
                    Files.copy(CORPUS.resolve("table-test-unseen.csv"), p.resolveSibling("table-test-unseen.csv"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                String source = file.endsWith(".csv") ? "\"source\": \"csv\", \"train\": " : "\"source\": \"idx\", \"trainImages\": ";
                Path pipeline = PlatformIT.pipeline(felix.work(), "table-" + file, "{\"name\": \"t\", \"data\": {" + source
                        + new com.google.gson.Gson().toJson(p.toString()) + ", \"dir\": "
                        + new com.google.gson.Gson().toJson(p.getParent().toString())
                        + (fields.isEmpty() ? "" : ", " + fields) + "}, \"stages\": [{\"type\": \"ae\", \"hidden\": 2,"
                        + " \"train\": {\"epochs\": 1}}]}");
                return "layerwise:run --out " + felix.work().resolve("table-run") + " " + pipeline;
            }
            case "command" -> {
                String line = c.input();
                java.util.regex.Matcher saved = SAVED.matcher(line);
                while (saved.find()) { // {saved:RECIPE}: a copy of the good run broken as the recipe says
                    line = line.replace(saved.group(), brokenRun(saved.group(1)).toString());
                }
                return line.replace("{good}", good.toString()).replace("{run}", goodRun.toString())
                        .replace("{work}", felix.work().toString());
            }
            default -> throw new AssertionError("unknown kind " + c.kind());
        }
    }

    /** A tiny MNIST set (60 train, 20 test) broken as the recipe says. */
    private Path brokenData(String recipe) throws IOException {
        Path d = felix.work().resolve("data-" + recipe);
        SyntheticMnist.write(d, 60, 20);
        Path trainImages = d.resolve("train-images-idx3-ubyte.gz");
        Path trainLabels = d.resolve("train-labels-idx1-ubyte.gz");
        Path testImages = d.resolve("t10k-images-idx3-ubyte.gz");
        switch (recipe) {
            case "images-bad-magic" -> gz(trainImages, idx(2049, new int[] {60, 28, 28}, new byte[60 * 784]));
            case "labels-bad-magic" -> Files.copy(trainImages, trainLabels, StandardCopyOption.REPLACE_EXISTING);
            case "images-truncated" -> gz(testImages, idx(2051, new int[] {20, 28, 28}, new byte[19 * 784]));
            case "images-trailing-bytes" -> {
                Files.delete(trainImages);
                Files.write(d.resolve("train-images-idx3-ubyte"), idx(2051, new int[] {60, 28, 28}, new byte[60 * 784 + 3]));
            }
            case "labels-count-mismatch" -> gz(trainLabels, idx(2049, new int[] {59}, new byte[59]));
            case "label-out-of-range" -> {
                byte[] labels = new byte[60];
                labels[5] = 12;
                gz(trainLabels, idx(2049, new int[] {60}, labels));
            }
            case "images-huge-claim" -> {
                Files.delete(trainImages);
                Files.write(d.resolve("train-images-idx3-ubyte"), idx(2051, new int[] {Integer.MAX_VALUE, 28, 28}, new byte[784]));
            }
            case "images-gzip-huge-claim" -> gz(trainImages, idx(2051, new int[] {2_000_000, 28, 28}, new byte[784]));
            case "images-zero-rows" -> gz(trainImages, idx(2051, new int[] {60, 0, 28}, new byte[0]));
            case "images-not-gzip" -> Files.write(trainImages, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5});
            case "test-images-other-shape" -> gz(testImages, idx(2051, new int[] {20, 14, 14}, new byte[20 * 196]));
            case "missing-file" -> Files.delete(d.resolve("t10k-labels-idx1-ubyte.gz"));
            case "no-files" -> {
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
            }
            default -> throw new AssertionError("unknown data recipe " + recipe);
        }
        return d;
    }

    /** A copy of the good two-stage run, broken as the recipe says (made once; a later case may use it again). */
    private Path brokenRun(String recipe) throws IOException {
        Path d = felix.work().resolve("saved-" + recipe);
        if (Files.exists(d)) {
            return d;
        }
        copyTree(goodRun, d);
        Path stage1 = d.resolve("stage-1-dae");
        Path params = stage1.resolve("params.bin");
        Path model = stage1.resolve("model.json");
        switch (recipe) {
            case "model-trillion-values" -> editW(model, w -> {
                JsonArray shape = new JsonArray();
                shape.add(1_000_000);
                shape.add(1_000_000);
                w.add("shape", shape);
                w.addProperty("count", 1_000_000_000_000L);
            });
            case "params-truncated" -> Files.write(params, java.util.Arrays.copyOf(Files.readAllBytes(params), 100));
            case "params-changed-byte" -> {
                byte[] bytes = Files.readAllBytes(params);
                bytes[40] ^= 1;
                Files.write(params, bytes);
            }
            case "model-json-malformed" -> Files.writeString(model, Files.readString(model).substring(0, 50));
            case "model-json-missing" -> Files.delete(model);
            case "model-shape-text" -> editW(model, w -> w.addProperty("shape", "784x8"));
            case "model-count-negative" -> editW(model, w -> w.addProperty("count", -6272));
            case "params-file-elsewhere" -> edit(model, m -> m.addProperty("paramsFile", "../../outside.bin"));
            case "format-version" -> edit(model, m -> m.addProperty("formatVersion", 7));
            case "stage-2-input-size" -> edit(d.resolve("stage-2-ae/model.json"), m -> m.addProperty("inputSize", 9));
            case "stage-type-path" -> edit(d.resolve("pipeline.json"),
                    m -> m.getAsJsonArray("stages").get(0).getAsJsonObject().addProperty("type", "../../dae"));
            case "pipeline-json-missing" -> Files.delete(d.resolve("pipeline.json"));
            case "model-spec-hidden-max" -> edit(model, m -> ((JsonObject) m.get("spec")).addProperty("hidden", 1048576));
            case "pipeline-json-no-data" -> edit(d.resolve("pipeline.json"), m -> m.remove("data"));
            case "pipeline-json-seed-text" -> edit(d.resolve("pipeline.json"), m -> m.addProperty("seed", "x"));
            case "model-json-duplicate-key" -> Files.writeString(model,
                    Files.readString(model).replaceFirst("\"count\": (\\d+),", "\"count\": $1, \"count\": 1,"));
            case "pipeline-json-duplicate-key" -> Files.writeString(d.resolve("pipeline.json"),
                    Files.readString(d.resolve("pipeline.json")).replaceFirst("\"hidden\": 8,", "\"hidden\": 8, \"hidden\": 100000,"));
            default -> throw new AssertionError("unknown saved-run recipe " + recipe);
        }
        return d;
    }

    /** A failed run keeps pipeline.json, history.json (status failed) and run.log, and nothing else. */
    private void checkFailedRunKeptOnlyItsRecord(Map<Path, String> before, Map<Path, String> after) throws IOException {
        List<Path> added = after.keySet().stream().filter(p -> !before.containsKey(p)).sorted().toList();
        Path runs = felix.work().resolve("runs");
        List<Path> runDirs = added.stream().filter(p -> runs.equals(p.getParent())).toList();
        assertEquals(1, runDirs.size(), "one run directory: " + added);
        Path run = runDirs.get(0);
        List<String> names = added.stream().filter(p -> p.startsWith(run) && !p.equals(run))
                .map(p -> run.relativize(p).toString()).sorted().toList();
        assertEquals(List.of("history.json", "pipeline.json", "run.log"), names, "the record only, no model or empty folder");
        assertEquals("failed", PlatformIT.json(run.resolve("history.json")).get("status").getAsString());
        for (Path p : added) {
            assertTrue(p.startsWith(runs), "nothing outside runs/: " + p);
        }
    }

    private static void assertContainsInOrder(String message, String fragment, String what) {
        int from = 0;
        for (String part : fragment.split("\\.\\.\\.")) {
            int at = message.indexOf(part, from);
            if (at < 0) {
                fail(what + ": expected \"" + part + "\" (of \"" + fragment + "\") in\n" + message);
            }
            from = at + part.length();
        }
    }

    /** Every path under {@code dir} (links not followed) with its size and modification time. */
    private static Map<Path, String> snapshot(Path dir) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                files.put(p, a.isDirectory() ? "dir" : a.size() + " " + a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
            }
        }
        return files;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void edit(Path json, java.util.function.Consumer<JsonObject> change) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        change.accept(o);
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(o));
    }

    /** Edits parameter W, the first of stage 1's parameters. */
    private static void editW(Path model, java.util.function.Consumer<JsonObject> change) throws IOException {
        edit(model, m -> {
            JsonObject w = m.getAsJsonArray("parameters").get(0).getAsJsonObject();
            assertEquals("W", w.get("name").getAsString());
            change.accept(w);
        });
    }

    static byte[] idx(int magic, int[] dims, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(payload);
        }
        return bytes.toByteArray();
    }

    private static void gz(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    private static Path corpus() {
        try {
            return Path.of(BadInputIT.class.getResource("/bad-inputs/cases.txt").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The launcher script's exit status: {@code runtime/layerwise run bad.json} exits 1 with the one-line message,
     * a usage error exits 2; no run directory either way.
     */
    @Nested
    class Launcher {
        final Path script = PlatformIT.DIST.toAbsolutePath().normalize().getParent().getParent().resolve("layerwise");

        record Exit(int status, String out, String err) {
        }

        Exit launch(Path cwd, String... args) throws Exception {
            List<String> command = new ArrayList<>(List.of(script.toString()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
            pb.environment().put("LAYERWISE_NO_BUILD", "1");
            pb.environment().put("LAYERWISE_DATA", felix.work().resolve("data").toString());
            pb.environment().remove("LAYERWISE_DEBUG");
            pb.environment().remove("PWD"); // bash then takes the working directory the process really has
            Path out = cwd.resolve("stdout.txt");
            Path err = cwd.resolve("stderr.txt");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher ends");
            Exit exit = new Exit(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return exit;
        }

        @Test
        void aBadPipelineExitsOneWithItsMessageAndWritesNothing(@TempDir Path cwd) throws Exception {
            Files.copy(CORPUS.resolve("prob-mask-level-above-one.json"), cwd.resolve("bad.json"));
            Exit e = launch(cwd, "run", "bad.json");
            assertEquals(1, e.status(), e.toString());
            assertEquals(cwd.toRealPath().resolve("bad.json") + ": stages[0].noise.level must be in [0, 1], got 1.5",
                    e.err().strip(), e.toString());
            try (Stream<Path> left = Files.list(cwd)) {
                assertEquals(List.of(cwd.resolve("bad.json")), left.toList(), "no runs/ directory");
            }
        }

        @Test
        void aUsageErrorExitsTwo(@TempDir Path cwd) throws Exception {
            Exit e = launch(cwd, "exec");
            assertEquals(2, e.status(), e.toString());
            assertEquals("exec needs a Gogo command, e.g. layerwise exec \"lb\"", e.err().strip(), e.toString());
        }
    }
}
