package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * history.json files written by the engine before its history was typed (maps then) read into {@link History} and
 * written back unchanged: same field names, same values, nothing lost. {@code history-done-finetuned.json} and
 * {@code history-failed.json} are runs of swissroll-ae (epochs cut to two); {@code history-resumed-stopped.json} was
 * written by the engine's classes of commit 16231b4 (early stopping with restoreBest, a fitted stage, a cancel, a
 * resume, a stage going on with another bundle, a failure).
 */
class HistoryTest {
    @TempDir
    Path dir;

    private static String resource(String name) throws Exception {
        try (InputStream in = HistoryTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"history-done-finetuned.json", "history-failed.json", "history-resumed-stopped.json"})
    void aHistoryWrittenBeforeTypingReadsAndWritesBackUnchanged(String name) throws Exception {
        String before = resource(name);
        Path file = Path.of(name);
        History typed = History.parse(before, file);
        String after = Json.toJson(typed);
        assertEquals(Json.parseObject(before, file), Json.parseObject(after, file), after);
    }

    @Test
    void theTypedFieldsHoldWhatTheOldFileSaid() throws Exception {
        History h = History.parse(resource("history-resumed-stopped.json"), Path.of("h"));
        History.StageEntry first = h.stages.get(0);
        assertEquals(new History.Stopped(4, "val_loss", 2,
                "val_loss did not improve by minDelta 0 for 2 epochs (best 4 in epoch 2); restored epoch 2"), first.stopped);
        assertEquals(2, first.restoredEpoch);
        assertEquals(20, first.validationSamples);
        assertEquals(4.5, first.epochs.get(2).valLoss());
        assertEquals(Map.of("finalError", 0.125), first.metrics);
        History.StageEntry second = h.stages.get(1);
        assertNull(second.epochs.get(0).loss(), "a fitted stage's record has no loss");
        assertEquals("1.1.0", second.resumed.get(0).bundleVersion());
        assertEquals("cancelled: cancelled by request in stage 2 (pca)", h.resumed.get(0).was());
        History f = History.parse(resource("history-done-finetuned.json"), Path.of("f"));
        assertEquals("autoencoder", f.finetune.head);
        assertTrue(f.trustworthiness > 0.5 && f.trustworthiness <= 1, String.valueOf(f.trustworthiness));
        assertEquals(List.of("ae", "ae", "ae"), f.stages.stream().map(s -> s.type).toList());
    }

    @Test
    void anOldInterruptedRunIsReopenedKeepingItsRecord() throws Exception {
        Path run = Files.createDirectories(dir.resolve("r"));
        Files.writeString(run.resolve("history.json"), resource("history-resumed-stopped.json"));
        Files.writeString(run.resolve("pipeline.json"), "{}");
        RunDirectory reopened = RunDirectory.reopen(run, "3");
        reopened.close();
        Map<String, Object> h = Json.parseObject(Files.readString(run.resolve("history.json")), run);
        assertEquals("running", h.get("status"));
        assertNull(h.get("message"));
        List<?> resumed = (List<?>) h.get("resumed");
        assertEquals(2, resumed.size());
        assertEquals("failed: stage 2 (pca): no provider of \"pca\" came back within 60 s",
                ((Map<?, ?>) resumed.get(1)).get("was"));
        Map<String, Object> old = Json.parseObject(resource("history-resumed-stopped.json"), run);
        assertEquals(old.get("stages"), h.get("stages"), "the stages' record is kept as it was");
    }
}
