package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.itest.failing.FailingActivator;
import io.layerwise.itest.throwing.ThrowingProviders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hot deployment through the watched deploy/ folder of a real embedded framework, as a user sees it on the console:
 * a jar that is no bundle is named once with the reason, a bundle that fails to start is reported once per version
 * of its file, and a provider that throws in {@code create} fails the run with one line naming stage, type and
 * bundle. FileInstall scans every second (conf/config.properties).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class DeployIT {
    /** Long enough for FileInstall and the launcher to look at deploy/ three times more. */
    static final long SCANS_MS = 3_500;

    static final ByteArrayOutputStream console = new ByteArrayOutputStream();
    static PrintStream stdout;
    static PrintStream stderr;

    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist()
            .setUp((work, props) -> {
                // the framework's messages go to the process's streams, taken when it starts: watch both
                stdout = System.out;
                stderr = System.err;
                System.setOut(new PrintStream(new Tee(stdout, console), true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(new Tee(stderr, console), true, StandardCharsets.UTF_8));
            })
            .afterStop(() -> {
                System.setOut(stdout);
                System.setErr(stderr);
            });

    /** The folder File Install watches. */
    static Path deploy() {
        return felix.work().resolve("deploy");
    }

    @Test
    @Order(1)
    void aJarThatIsNoZipIsNamedOnceWithTheReasonAndAgainOnlyForANewVersion() throws Exception {
        Path jar = deploy().resolve("x.jar");
        Files.writeString(jar, "this is not a zip file");
        String line = awaitLine(l -> l.contains(jar.toString()), 10_000);
        assertTrue(line.contains("not a jar (zip) file"), line);
        Thread.sleep(SCANS_MS);
        assertEquals(1, lines(jar.toString()).size(), "once, not on every scan: " + lines(jar.toString()));

        Files.writeString(jar, "other garbage, and longer than the first");
        await(() -> lines(jar.toString()).size() == 2, 10_000);
        Thread.sleep(SCANS_MS);
        assertEquals(2, lines(jar.toString()).size(), "once for each version of the file: " + lines(jar.toString()));
    }

    @Test
    @Order(2)
    void aJarWithoutManifestOrSymbolicNameIsNamedOnceWithTheReason() throws Exception {
        Path bare = deploy().resolve("no-manifest.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bare))) {
            zip.putNextEntry(new ZipEntry("hello.txt"));
            zip.write("hello".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Path plain = deploy().resolve("plain.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plain), m)) {
            jar.putNextEntry(new ZipEntry("hello.txt"));
            jar.closeEntry();
        }
        assertTrue(awaitLine(l -> l.contains(bare.toString()), 10_000).contains("no META-INF/MANIFEST.MF"));
        assertTrue(awaitLine(l -> l.contains(plain.toString()), 10_000).contains("no Bundle-SymbolicName"));
        Thread.sleep(SCANS_MS);
        assertEquals(1, lines(bare.toString()).size(), lines(bare.toString()).toString());
        assertEquals(1, lines(plain.toString()).size(), lines(plain.toString()).toString());
    }

    @Test
    @Order(3)
    void aBundleThatFailsToStartIsReportedOncePerVersionOfItsFile() throws Exception {
        Path jar = deploy().resolve("failing.jar");
        Files.write(jar, TestBundles.of("io.layerwise.itest.failing", "1.0.0", FailingActivator.class, "org.osgi.framework"));
        String line = awaitLine(l -> l.contains(FailingActivator.MESSAGE), 10_000);
        assertTrue(line.contains(jar.toString()) && line.contains("io.layerwise.itest.failing 1.0.0"), line);
        // more bundles come and go: FileInstall tries the failing one again each time
        deployThrowingBundle();
        Thread.sleep(SCANS_MS);
        Files.deleteIfExists(deploy().resolve("no-manifest.jar"));
        Thread.sleep(SCANS_MS);
        assertEquals(1, lines(FailingActivator.MESSAGE).size(), "one line, once: " + console());
        assertFalse(console().contains("\tat io.layerwise.itest.failing"), "no stack trace: " + console());

        Files.write(jar, TestBundles.of("io.layerwise.itest.failing", "1.0.1", FailingActivator.class, "org.osgi.framework"));
        awaitLine(l -> l.contains("io.layerwise.itest.failing 1.0.1") && l.contains(FailingActivator.MESSAGE), 10_000);
        Thread.sleep(SCANS_MS);
        assertEquals(2, lines(FailingActivator.MESSAGE).size(), "once more for the new version: " + console());
    }

    @Test
    @Order(4)
    void aBundleThatCannotResolveIsReportedOnceWithTheMissingPackage() throws Exception {
        Path jar = deploy().resolve("unresolved.jar");
        Files.write(jar, TestBundles.of("io.layerwise.itest.unresolved", "1.0.0", FailingActivator.class,
                "org.osgi.framework,org.example.missing"));
        String line = awaitLine(l -> l.contains(jar.toString()), 10_000);
        assertTrue(line.contains(": bundle io.layerwise.itest.unresolved 1.0.0 did not start: Unable to resolve")
                && line.contains("org.example.missing"), line);
        Thread.sleep(SCANS_MS);
        assertEquals(1, lines(jar.toString()).size(), lines(jar.toString()).toString());
    }

    @Test
    @Order(5)
    void aProviderThatThrowsInCreateFailsValidationWithOneLineNamingStageTypeAndBundle() throws Exception {
        deployThrowingBundle();
        awaitType("throwing");
        Path p = PlatformIT.pipeline(felix.work(), "throwing", PlatformIT.TINY.replace("\"type\": \"dae\"", "\"type\": \"throwing\""));
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + felix.work().resolve("runs/throwing") + " " + p);
        assertNotEquals(0, r.exitCode());
        assertEquals(p + ": stage 1 (throwing): its provider io.layerwise.itest.throwing 1.0.0 failed to create the stage: "
                + ThrowingProviders.MESSAGE, r.err().strip());
        assertFalse(Files.exists(felix.work().resolve("runs/throwing")), "nothing written");
    }

    @Test
    @Order(6)
    void aProviderThatThrowsWhenItsStageStartsFailsTheRunWithOneLineAndTheTraceInRunLog() throws Exception {
        deployThrowingBundle();
        awaitType("throwing-later");
        Path p = PlatformIT.pipeline(felix.work(), "throwing-later", """
                {"name": "later", "seed": 7, "data": {"source": "mnist"},
                 "stages": [{"type": "throwing-later", "hidden": 8,
                             "train": {"epochs": 1, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}]}
                """);
        Path out = felix.work().resolve("runs/later");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + p);
        assertNotEquals(0, r.exitCode());
        assertEquals("run failed: stage 1 (throwing-later): its provider io.layerwise.itest.throwing 1.0.0 failed to create"
                + " the stage: " + ThrowingProviders.MESSAGE + " (run directory " + out + ")", r.err().strip());
        assertTrue(Files.readString(out.resolve("run.log")).contains("\tat io.layerwise.itest.throwing"), "the trace");
    }

    /** The bundle of {@link ThrowingProviders} into deploy/, unless it is there. */
    private void deployThrowingBundle() throws Exception {
        Path jar = deploy().resolve("throwing.jar");
        if (!Files.exists(jar)) {
            Files.write(jar, TestBundles.of("io.layerwise.itest.throwing", "1.0.0", ThrowingProviders.class,
                    "io.layerwise.api.spec,io.layerwise.api.stage,org.osgi.framework"));
        }
    }

    private void awaitType(String type) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Shell.exec(felix.platform(), "layerwise:types").out().lines().anyMatch(l -> l.startsWith(type + " "))) {
            assertTrue(System.currentTimeMillis() < deadline, type + " not listed: " + Shell.exec(felix.platform(), "lb").out());
            Thread.sleep(100);
        }
    }

    private String console() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    /** The console lines holding {@code text}. */
    private List<String> lines(String text) {
        return console().lines().filter(l -> l.contains(text)).toList();
    }

    /** The first console line satisfying {@code condition}, waiting for it up to {@code timeoutMs}. */
    private String awaitLine(Predicate<String> condition, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        do {
            var line = console().lines().filter(condition).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("no such line within " + timeoutMs + " ms; the console shows:\n" + console());
    }

    private void await(java.util.function.BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + timeoutMs + " ms; the console shows:\n" + console());
            }
            Thread.sleep(100);
        }
    }

    /** Writes to the original stream and into the buffer the test reads. */
    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            original.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            original.write(b, off, len);
            synchronized (copy) {
                copy.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            original.flush();
        }
    }
}
