package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.itest.throwing.ThrowingProviders;
import io.layerwise.launcher.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot deployment through the watched deploy/ folder of a real embedded framework, as a user sees it: a provider that
 * throws in {@code create} fails the run with one line naming stage, type and bundle. FileInstall scans every second
 * (conf/config.properties).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class DeployIT {
    /** Long enough for FileInstall and the launcher to look at deploy/ three times more. */
    static final long SCANS_MS = 3_500;

    Path work;
    Path deploy;
    Platform platform;
    PrintStream stdout;
    PrintStream stderr;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        // the framework's messages go to the process's streams, taken when it starts: watch both
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(new Tee(stdout, console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(stderr, console), true, StandardCharsets.UTF_8));
        work = dir;
        deploy = work.resolve("deploy");
        platform = PlatformIT.start(work);
    }

    @AfterAll
    void stop() {
        try {
            platform.stop();
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @Test
    @Order(1)
    void aProviderThatThrowsInCreateFailsValidationWithOneLineNamingStageTypeAndBundle() throws Exception {
        deployThrowingBundle();
        awaitType("throwing");
        Path p = PlatformIT.pipeline(work, "throwing", PlatformIT.TINY.replace("\"type\": \"dae\"", "\"type\": \"throwing\""));
        Shell.Result r = Shell.exec(platform, "layerwise:run --out " + work.resolve("runs/throwing") + " " + p);
        assertNotEquals(0, r.exitCode());
        assertEquals(p + ": stage 1 (throwing): its provider io.layerwise.itest.throwing 1.0.0 failed to create the stage: "
                + ThrowingProviders.MESSAGE, r.err().strip());
        assertFalse(Files.exists(work.resolve("runs/throwing")), "nothing written");
    }

    @Test
    @Order(2)
    void aProviderThatThrowsWhenItsStageStartsFailsTheRunWithOneLineAndTheTraceInRunLog() throws Exception {
        deployThrowingBundle();
        awaitType("throwing-later");
        Path p = PlatformIT.pipeline(work, "throwing-later", """
                {"name": "later", "seed": 7, "data": {"source": "mnist"},
                 "stages": [{"type": "throwing-later", "hidden": 8,
                             "train": {"epochs": 1, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}]}
                """);
        Path out = work.resolve("runs/later");
        Shell.Result r = Shell.exec(platform, "layerwise:run --out " + out + " " + p);
        assertNotEquals(0, r.exitCode());
        assertEquals("run failed: stage 1 (throwing-later): its provider io.layerwise.itest.throwing 1.0.0 failed to create"
                + " the stage: " + ThrowingProviders.MESSAGE + " (run directory " + out + ")", r.err().strip());
        assertTrue(Files.readString(out.resolve("run.log")).contains("\tat io.layerwise.itest.throwing"), "the trace");
    }

    /** The bundle of {@link ThrowingProviders} into deploy/, unless it is there. */
    private void deployThrowingBundle() throws Exception {
        Path jar = deploy.resolve("throwing.jar");
        if (!Files.exists(jar)) {
            Files.write(jar, TestBundles.of("io.layerwise.itest.throwing", "1.0.0", ThrowingProviders.class,
                    "io.layerwise.api.spec,io.layerwise.api.stage,org.osgi.framework"));
        }
    }

    private void awaitType(String type) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Shell.exec(platform, "layerwise:types").out().lines().anyMatch(l -> l.startsWith(type + " "))) {
            assertTrue(System.currentTimeMillis() < deadline, type + " not listed: " + Shell.exec(platform, "lb").out());
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
