package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.layerwise.launcher.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Follows docs/writing-a-regularizer.md from an empty folder to a deployed jar: the files marked
 * {@code <!-- walkthrough-file: PATH -->} are written into an empty folder and built with a nested
 * {@code mvn -B -q package} against the API in the local Maven repository, the jar goes into the watched deploy folder
 * of a running framework, and pipelines with the new {@code elastic-net} must train exactly as the built-in
 * {@code l2} and {@code l1} do at the same strengths. Any change to the page that breaks a step fails here.
 */
class RegularizerWalkthroughIT {
    static final Path PAGE = DocumentationLinksIT.ROOT.resolve("docs/writing-a-regularizer.md");
    /** The reactor's API jar (dependency:properties), installed with the checkout's POMs before the nested build. */
    static final Path API_JAR = Path.of(System.getProperty("layerwise.api.jar",
            "../api/target/layerwise-api-0.1.0-SNAPSHOT.jar")).toAbsolutePath();
    static final Pattern MARKER = Pattern.compile("<!-- walkthrough-file: (\\S+) -->");

    /** The marked files of the page, by relative path, in order. */
    static Map<String, String> walkthroughFiles(String page) {
        Map<String, String> files = new LinkedHashMap<>();
        List<String> lines = page.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MARKER.matcher(lines.get(i).strip());
            if (!m.matches()) {
                continue;
            }
            String path = m.group(1);
            assertFalse(path.startsWith("/") || path.contains(".."), PAGE + " line " + (i + 1) + ": " + path);
            int open = i + 1;
            assertTrue(open < lines.size() && lines.get(open).startsWith("```"),
                    PAGE + " line " + (i + 2) + ": a fenced block must follow the marker of " + path);
            StringBuilder text = new StringBuilder();
            int j = open + 1;
            for (; j < lines.size() && !lines.get(j).startsWith("```"); j++) {
                text.append(lines.get(j)).append('\n');
            }
            assertTrue(j < lines.size(), PAGE + ": the block of " + path + " is not closed");
            assertFalse(files.containsKey(path), PAGE + ": " + path + " is marked twice");
            files.put(path, text.toString());
            i = j;
        }
        return files;
    }

    /** The one {@code cp target/X.jar ...} step of the page: the jar the build must make. */
    static String deployedJar(String page) {
        Matcher m = Pattern.compile("cp target/(\\S+\\.jar) ").matcher(page);
        assertTrue(m.find(), PAGE + " says which jar to copy into deploy/");
        return m.group(1);
    }

    static String mavenExecutable() {
        String home = System.getProperty("maven.home");
        return home != null && Files.isExecutable(Path.of(home, "bin", "mvn")) ? Path.of(home, "bin", "mvn").toString() : "mvn";
    }

    /** Runs Maven in {@code dir} with the outer build's local repository; fails with its output when it fails. */
    static void maven(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(mavenExecutable(), "-B"));
        Path repo = localRepository();
        if (repo != null) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        command.addAll(List.of(args));
        Path log = Files.createTempFile("walkthrough-mvn", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " in " + dir + " took over 10 minutes");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " in " + dir + " failed:\n" + out);
    }

    /** The outer build's local repository (its -Dmaven.repo.local, passed on by the POM); null: Maven's default. */
    static Path localRepository() {
        String repo = System.getProperty("layerwise.maven.repo.local", System.getProperty("maven.repo.local"));
        return repo == null || repo.isBlank() ? null : Path.of(repo).toAbsolutePath().normalize();
    }

    /**
     * The checkout's parent POM and the API jar into the local repository, as {@code mvn install} would put them
     * ({@code mvn verify} installs nothing). A jar that already comes from that repository (this module built alone)
     * stays where it is.
     */
    static void installApi(Path scratch) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(API_JAR), "the reactor's API jar: " + API_JAR);
        String plugin = "org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file";
        Path root = DocumentationLinksIT.ROOT;
        maven(scratch, "-q", plugin, "-Dfile=" + root.resolve("pom.xml"), "-DpomFile=" + root.resolve("pom.xml"));
        Path repo = localRepository();
        if (repo == null || !API_JAR.normalize().startsWith(repo)) {
            maven(scratch, "-q", plugin, "-Dfile=" + API_JAR, "-DpomFile=" + root.resolve("bundles/api/pom.xml"));
        }
    }

    static String pipeline(String regularizer) {
        return """
                {"name": "walkthrough", "seed": 11, "data": {"source": "mnist"},
                 "stages": [{"type": "ae", "hidden": 16, "regularizers": [%s],
                             "train": {"epochs": 2, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}]}
                """.formatted(regularizer);
    }

    /** The epochs' training losses (penalties included) of a one-stage run. */
    static double[] losses(Platform platform, Path work, String name, String regularizer) throws IOException {
        Path out = work.resolve("runs").resolve(name);
        Path p = PlatformIT.pipeline(work, name, pipeline(regularizer));
        Shell.Result r = Shell.exec(platform, "layerwise:run --out " + out + " " + p);
        assertEquals(0, r.exitCode(), r.all());
        JsonArray epochs = PlatformIT.json(out.resolve("history.json")).getAsJsonArray("stages").get(0)
                .getAsJsonObject().getAsJsonArray("epochs");
        double[] losses = new double[epochs.size()];
        for (int e = 0; e < losses.length; e++) {
            losses[e] = epochs.get(e).getAsJsonObject().get("loss").getAsDouble();
        }
        return losses;
    }

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int e = 0; e < expected.length; e++) {
            // float32 training: the two penalties add the same gradient in a different order of operations
            assertEquals(expected[e], actual[e], 1e-5 * Math.abs(expected[e]), what + ", epoch " + (e + 1));
        }
    }

    @Test
    void theWalkthroughBuildsADeployableRegularizerThatTrainsAsTheBuiltInOnes(@TempDir Path dir) throws Exception {
        String page = Files.readString(PAGE);
        Map<String, String> files = walkthroughFiles(page);
        assertTrue(files.containsKey("pom.xml") && files.keySet().stream().filter(f -> f.endsWith(".java")).count() >= 2,
                PAGE + " marks the POM and the Java sources: " + files.keySet());
        Path lab = Files.createDirectories(dir.resolve("lab-elastic-net"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = lab.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue());
        }

        installApi(Files.createDirectories(dir.resolve("scratch")));
        maven(lab, "-q", "package");
        Path jar = lab.resolve("target").resolve(deployedJar(page));
        assertTrue(Files.isRegularFile(jar), "the page's jar " + jar + " was built");
        try (JarFile j = new JarFile(jar.toFile())) {
            String imports = j.getManifest().getMainAttributes().getValue("Import-Package");
            assertTrue(imports != null && imports.contains("io.layerwise.api.regularizer"), "Import-Package: " + imports);
            assertTrue(j.stream().anyMatch(e -> e.getName().startsWith("OSGI-INF/") && e.getName().endsWith(".xml")),
                    "bnd wrote the component description");
        }

        Path work = Files.createDirectories(dir.resolve("work"));
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Path data = SyntheticMnist.write(work.resolve("data"), 300, 100);
        Platform platform = Platform.start(PlatformIT.DIST, Map.of("layerwise.cwd", work.toString(),
                "layerwise.data.dir", data.toString(), "felix.fileinstall.dir", deploy.toString()));
        try {
            Files.copy(jar, deploy.resolve(jar.getFileName()));
            String listing = RegularizerPluginIT.awaitListing(platform, out -> out.contains("elastic-net"), 10_000);
            String line = listing.lines().filter(l -> l.startsWith("elastic-net")).findFirst().orElseThrow();
            assertTrue(line.contains("org.example.lab.elastic") && line.contains("1.0.0"), line);

            double[] none = losses(platform, work, "none", "");
            double[] l2 = losses(platform, work, "l2", "{\"name\": \"l2\", \"lambda\": 0.05}");
            double[] elasticL2 = losses(platform, work, "elastic-l2", "{\"name\": \"elastic-net\", \"l1\": 0, \"l2\": 0.05}");
            double[] l1 = losses(platform, work, "l1", "{\"name\": \"l1\", \"lambda\": 0.002}");
            double[] elasticL1 = losses(platform, work, "elastic-l1", "{\"name\": \"elastic-net\", \"l1\": 0.002, \"l2\": 0}");
            // the strengths are large enough that a penalty doing nothing could not pass for one that works
            assertTrue(Math.abs(l2[0] - none[0]) > 1e-3 * none[0] && Math.abs(l1[0] - none[0]) > 1e-3 * none[0],
                    "penalties visible in the loss: none " + none[0] + ", l2 " + l2[0] + ", l1 " + l1[0]);
            assertClose(l2, elasticL2, "elastic-net with l1 0 against the built-in l2");
            assertClose(l1, elasticL1, "elastic-net with l2 0 against the built-in l1");

            JsonObject resolved = PlatformIT.json(work.resolve("runs/elastic-l1/pipeline.json")).getAsJsonArray("stages")
                    .get(0).getAsJsonObject().getAsJsonArray("regularizers").get(0).getAsJsonObject();
            assertEquals("elastic-net", resolved.get("name").getAsString());
            assertEquals(0.002, resolved.get("l1").getAsDouble());
        } finally {
            platform.stop();
        }
    }
}
