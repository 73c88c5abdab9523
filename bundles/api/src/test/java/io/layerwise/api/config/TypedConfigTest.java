package io.layerwise.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypedConfigTest {
    @interface Config {
        String runsDir() default "runs";

        int maxConcurrentJobs() default 0;

        long swapTimeoutSeconds() default 60;

        boolean npmFetch() default true;
    }

    final List<String> lines = new ArrayList<>();
    final Map<String, String> framework = new HashMap<>();
    final TypedConfig<Config> config = TypedConfig.of("io.example", Config.class, lines::add)
            .range("maxConcurrentJobs", 0, 1000)
            .range("swapTimeoutSeconds", 0, 86_400)
            .replaces("swapTimeoutSeconds", "example.swap.timeout.seconds");

    Config update(Map<String, ?> file) {
        return config.update(file, framework::get);
    }

    Setting setting(String key) {
        return config.settings().values().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void withoutConfigurationEveryKeyHasItsDefault() {
        Config c = update(Map.of("component.name", "x", "component.id", 3L));
        assertEquals("runs", c.runsDir());
        assertEquals(0, c.maxConcurrentJobs());
        assertEquals(60, c.swapTimeoutSeconds());
        assertTrue(c.npmFetch());
        assertTrue(config.settings().values().stream().allMatch(s -> s.origin() == Origin.DEFAULT));
        assertEquals(List.of(), lines, "no problems, no notes");
        assertNull(config.settings().file());
    }

    @Test
    void fileValuesOfEachTypeAreReadAndNamedAsFromTheFile() {
        Config c = update(Map.of("runsDir", "/data/runs", "maxConcurrentJobs", 2L, "swapTimeoutSeconds", "5",
                "npmFetch", false, TypedConfig.FILE, "file:/etc/layerwise/io.example.cfg.json"));
        assertEquals("/data/runs", c.runsDir());
        assertEquals(2, c.maxConcurrentJobs());
        assertEquals(5, c.swapTimeoutSeconds(), "a number written as text, as in a .cfg file");
        assertEquals(false, c.npmFetch());
        assertEquals(Origin.FILE, setting("maxConcurrentJobs").origin());
        assertEquals("/etc/layerwise/io.example.cfg.json", config.settings().file());
    }

    @Test
    void aWrongTypeIsRejectedNamingPidAndKeyAndThePreviousValueStays() {
        update(Map.of("maxConcurrentJobs", 3L));
        Config c = update(Map.of("maxConcurrentJobs", "four", "runsDir", "elsewhere",
                TypedConfig.FILE, "file:/c/io.example.cfg.json"));
        assertEquals(3, c.maxConcurrentJobs());
        assertEquals(Origin.FILE, setting("maxConcurrentJobs").origin());
        assertEquals("elsewhere", c.runsDir(), "the other keys of the same file apply");
        assertEquals(List.of("io.example: maxConcurrentJobs must be a whole number from 0 to 1000, got \"four\""
                + " (in /c/io.example.cfg.json); keeping 3"), lines);
        assertEquals(lines, config.settings().problems());
    }

    @Test
    void outOfRangeFractionalAndNonBooleanValuesAreRejected() {
        Config c = update(Map.of("maxConcurrentJobs", -1L, "swapTimeoutSeconds", 1.5, "npmFetch", "yes", "runsDir", 7L));
        assertEquals(0, c.maxConcurrentJobs());
        assertEquals(60, c.swapTimeoutSeconds());
        assertTrue(c.npmFetch());
        assertEquals("runs", c.runsDir());
        assertTrue(lines.contains("io.example: maxConcurrentJobs must be a whole number from 0 to 1000, got -1; keeping 0"),
                lines.toString());
        assertTrue(lines.contains("io.example: swapTimeoutSeconds must be a whole number from 0 to 86400, got 1.5;"
                + " keeping 60"), lines.toString());
        assertTrue(lines.contains("io.example: npmFetch must be true or false, got \"yes\"; keeping true"), lines.toString());
        assertTrue(lines.contains("io.example: runsDir must be text, got 7; keeping runs"), lines.toString());
    }

    @Test
    void anUnknownKeyIsAWarningNamingItAndMetadataIsNot() {
        Config c = update(Map.of("maxJobs", 4L, "maxConcurrentJobs", 4L, "service.pid", "io.example",
                "felix.fileinstall.filename", "file:/c/io.example.cfg.json"));
        assertEquals(4, c.maxConcurrentJobs());
        assertEquals(List.of("io.example: warning: unknown key maxJobs (in /c/io.example.cfg.json), ignored; known keys:"
                + " maxConcurrentJobs, npmFetch, runsDir, swapTimeoutSeconds"), lines);
    }

    @Test
    void removingAKeyFromTheFileBringsBackItsDefault() {
        update(Map.of("maxConcurrentJobs", 4L));
        Config c = update(Map.of());
        assertEquals(0, c.maxConcurrentJobs());
        assertEquals(Origin.DEFAULT, setting("maxConcurrentJobs").origin());
    }

    @Test
    void aReplacedFrameworkPropertyWinsOverTheFileWithOneNoteNamingTheFile() {
        framework.put("example.swap.timeout.seconds", "7");
        Config c = update(Map.of("swapTimeoutSeconds", 30L));
        assertEquals(7, c.swapTimeoutSeconds());
        assertEquals("framework property example.swap.timeout.seconds", setting("swapTimeoutSeconds").from());
        update(Map.of("swapTimeoutSeconds", 31L));
        assertEquals(List.of("io.example: framework property example.swap.timeout.seconds sets swapTimeoutSeconds for"
                + " this release only; set swapTimeoutSeconds in io.example.cfg.json instead"), lines, "noted once");
    }

    @Test
    void anOverridingPropertyThatStaysWinsWithoutANote() {
        TypedConfig<Config> c = TypedConfig.of("io.example", Config.class, lines::add).overrides("runsDir", "example.runs");
        framework.put("example.runs", "/fast/runs");
        assertEquals("/fast/runs", c.update(Map.of("runsDir", "runs"), framework::get).runsDir());
        assertEquals(Origin.FRAMEWORK_PROPERTY, c.settings().values().stream().filter(s -> s.key().equals("runsDir"))
                .findFirst().orElseThrow().origin());
        assertEquals(List.of(), lines);
    }

    @Test
    void aBadFrameworkPropertyIsReportedAndLeavesTheFileValue() {
        framework.put("example.swap.timeout.seconds", "soon");
        Config c = update(Map.of("swapTimeoutSeconds", 30L));
        assertEquals(30, c.swapTimeoutSeconds());
        assertEquals(List.of("io.example: framework property example.swap.timeout.seconds (swapTimeoutSeconds) must be"
                + " a whole number from 0 to 86400, got \"soon\"; ignored"), lines);
    }

    @Test
    void aFrameworkPropertyNameWrittenIntoTheFileIsAWarningNamingTheKey() {
        update(Map.of("example.swap.timeout.seconds", "5"));
        assertEquals(List.of("io.example: warning: example.swap.timeout.seconds is a framework property, not a key of"
                + " io.example; ignored (the key is swapTimeoutSeconds)"), lines);
    }

    @Test
    void theSnapshotGivenOutDoesNotChangeWithALaterUpdate() {
        Config before = update(Map.of("maxConcurrentJobs", 1L));
        update(Map.of("maxConcurrentJobs", 2L));
        assertEquals(1, before.maxConcurrentJobs());
        assertEquals(2, config.get().maxConcurrentJobs());
    }

    @Test
    void aRangeOnAKeyTheTypeLacksIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> TypedConfig.of("p", Config.class, l -> { }).range("nope", 0, 1));
    }
}
