package io.layerwise.config.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonConfigFileTest {
    @TempDir
    Path dir;

    Path file(String json) throws IOException {
        return Files.writeString(dir.resolve("io.layerwise.engine.cfg.json"), json);
    }

    @Test
    void thePidIsTheFileNameLessItsSuffix() {
        assertEquals("io.layerwise.data.mnist", JsonConfigFile.pid(Path.of("/c/io.layerwise.data.mnist.cfg.json")));
    }

    @Test
    void valuesBecomeWhatAConfigurationDictionaryHoldsAndCommentsAreAllowed() throws IOException {
        Map<String, Object> s = JsonConfigFile.read(file("""
                {
                  // minibatches between checkpoints
                  "checkpointEvery": 0, /* end of each epoch */
                  "runsDir": "runs",
                  "npmFetch": true,
                  "ratio": 0.5,
                  "names": ["a", "b"],
                  "mixed": [1, "b"]
                }
                """));
        assertEquals(0L, s.get("checkpointEvery"));
        assertEquals("runs", s.get("runsDir"));
        assertEquals(true, s.get("npmFetch"));
        assertEquals(0.5, s.get("ratio"));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) s.get("names"));
        assertEquals("[1,\"b\"]", s.get("mixed"), "left for the component to reject by its key");
    }

    @Test
    void badJsonNamesTheFileAndLine() throws IOException {
        Path f = file("{\n  \"checkpointEvery\": 0\n  \"runsDir\": \"runs\"\n}\n");
        IOException e = assertThrows(IOException.class, () -> JsonConfigFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ": not valid JSON: ") && e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void anythingButAnObjectOrANullValueIsRefusedNamingTheFile() throws IOException {
        Path array = file("[1, 2]");
        assertEquals(array + ": must hold one JSON object of settings, e.g. {\"key\": 1}, got [1,2]",
                assertThrows(IOException.class, () -> JsonConfigFile.read(array)).getMessage());
        Path nulled = file("{\"runsDir\": null}");
        assertEquals(nulled + ": runsDir is null; leave the key out for its default",
                assertThrows(IOException.class, () -> JsonConfigFile.read(nulled)).getMessage());
        Path empty = file("");
        assertTrue(assertThrows(IOException.class, () -> JsonConfigFile.read(empty)).getMessage().startsWith(empty + ": "));
    }
}
