package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class FileInstallLogTest {
    final Path deploy = Path.of("/work/deploy");
    final String location = deploy.resolve("failing.jar").toUri().toString();
    final Map<String, Long> installed = new HashMap<>();
    final List<String> lines = new ArrayList<>();
    final List<Throwable> traces = new ArrayList<>();
    final FileInstallLog log = new FileInstallLog(installed::get, List.of(deploy), lines::add, traces::add);

    static LogRecord record(String message, Throwable thrown) {
        LogRecord r = new LogRecord(Level.WARNING, message);
        r.setThrown(thrown);
        return r;
    }

    static Exception startFailure() {
        IllegalStateException cause = new IllegalStateException("deliberate");
        cause.setStackTrace(new StackTraceElement[] {new StackTraceElement("org.example.Activator", "start",
                "Activator.java", 12)});
        return new Exception("Activator start error in bundle org.example.failing [28].", cause);
    }

    @Test
    void aStartFailureIsKeptForTheVersionOfTheBundleItHappenedToNotPrinted() {
        installed.put(location, 100L);
        Exception e = startFailure();
        log.publish(record(FileInstallLog.START_FAILED + location, e));
        assertEquals(List.of(), lines, "StartFailures reports it, once per version");
        assertSame(e, log.startFailure(location, 100));
        assertNull(log.startFailure(location, 200), "a newer version of the file: not known to have failed");
        assertEquals("deliberate (IllegalStateException at org.example.Activator.start(Activator.java:12))",
                FileInstallLog.cause(e));
    }

    @Test
    void anotherFrameworksBundlesAndFoldersAreLeftToIt() {
        String elsewhere = "file:/elsewhere/deploy/x.jar";
        log.publish(record(FileInstallLog.START_FAILED + elsewhere, startFailure()));
        log.publish(record("Failed to install artifact: /elsewhere/deploy/x.jar", new Exception("bad")));
        assertEquals(List.of(), lines);
        assertNull(log.startFailure(elsewhere, 0));
    }

    @Test
    void otherMessagesAreOneLineWithTheRootCause() {
        log.publish(record("Failed to install artifact: " + deploy.resolve("dup.jar"),
                new Exception("Bundle symbolic name and version are not unique:\n  org.example:1.0.0")));
        log.publish(record("In main loop, we have serious trouble", null));
        assertEquals(List.of("Failed to install artifact: " + deploy.resolve("dup.jar") + ": Bundle symbolic name and"
                + " version are not unique: org.example:1.0.0", "In main loop, we have serious trouble"), lines);
        assertEquals(1, traces.size(), "the trace behind the line, for LAYERWISE_DEBUG=1");
    }

    @Test
    void aFileLocationIsItsPath() {
        assertEquals(deploy.resolve("failing.jar"), FileInstallLog.fileOf(location));
        assertNull(FileInstallLog.fileOf("reference:file:/x.jar"));
        assertNull(FileInstallLog.fileOf("test:faulty"));
    }
}
