package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    static final Path FILE = Path.of("/tmp/p.json");

    @Test
    void aDuplicateKeyInsideAStageIsRefusedNamingItsJsonPathNotTheLastOneWinning() {
        IOException e = assertThrows(IOException.class, () -> Json.parseObject("""
                {"name": "x", "stages": [{"type": "dae", "hidden": 16, "hidden": 100000}]}""", FILE));
        assertEquals(FILE + ": malformed JSON: duplicate key: stages[0].hidden at line 1 column 64", e.getMessage());
    }

    @Test
    void duplicatesAreFoundAtAnyDepthAndAtTheTop() {
        assertEquals(FILE + ": malformed JSON: duplicate key: stages[1].train.optimizer.lr at line 3 column 56",
                assertThrows(IOException.class, () -> Json.parseObject("""
                        {"stages": [{"type": "ae"},
                                    {"type": "ae", "train": {"optimizer": {"lr": 0.1,
                                                                           "lr": 5}}}]}""", FILE)).getMessage());
        assertEquals(FILE + ": malformed JSON: duplicate key: name at line 1 column 21",
                assertThrows(IOException.class, () -> Json.parseObject("{\"name\": \"a\", \"name\": \"b\"}", FILE))
                        .getMessage());
        assertEquals(FILE + ": malformed JSON: duplicate key: parameters[0].shape at line 1 column 39",
                assertThrows(IOException.class, () -> Json.parseObject(
                        "{\"parameters\": [{\"shape\": [1], \"shape\": [2]}]}", FILE)).getMessage());
    }

    @Test
    void valuesAreLongsDoublesStringsListsAndMapsInFileOrder() throws IOException {
        Map<String, Object> m = Json.parseObject("""
                {"b": 1, "a": 2.5, "big": 99999999999999999999, "s": "x", "l": [1, {"k": null}], "t": true}""", FILE);
        assertEquals(List.of("b", "a", "big", "s", "l", "t"), List.copyOf(m.keySet()));
        assertEquals(1L, m.get("b"));
        assertEquals(2.5, m.get("a"));
        assertEquals(1e20, m.get("big"));
        assertEquals(true, m.get("t"));
        assertEquals(1L, ((List<?>) m.get("l")).get(0));
        assertEquals(java.util.Collections.singletonMap("k", null), ((List<?>) m.get("l")).get(1));
    }

    @Test
    void syntaxErrorsKeepTheirLineAndColumn() {
        assertEquals(FILE + ": malformed JSON: End of input at line 1 column 12 path $.a[2]",
                assertThrows(IOException.class, () -> Json.parseObject("{\"a\": [1, 2", FILE)).getMessage());
        assertEquals(FILE + ": malformed JSON: JSON forbids NaN and infinities: 1e999 at line 1 column 12 path $.a",
                assertThrows(IOException.class, () -> Json.parseObject("{\"a\": 1e999}", FILE)).getMessage());
    }
}
