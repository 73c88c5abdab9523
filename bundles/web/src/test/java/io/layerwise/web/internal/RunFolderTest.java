package io.layerwise.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    @TempDir
    Path tmp;
    Path runs;
    RunFolder folder;

    @BeforeEach
    void runs() throws Exception {
        runs = Files.createDirectories(tmp.resolve("runs"));
        Path run = Files.createDirectories(runs.resolve("tiny-20261205-101010/stage-1-dae"));
        Files.writeString(run.getParent().resolve("history.json"), """
                {"pipeline": "tiny", "status": "running", "stages": [{"index": 1, "type": "dae",
                 "bundle": "io.layerwise.model-dae", "bundleVersion": "0.1.0", "epochs": [{"epoch": 1, "loss": 2.5}]}]}""");
        Files.writeString(run.getParent().resolve("run.log"), """
                2026-12-05T10:10:10Z run 1 of tiny.json
                2026-12-05T10:10:11Z stage 1 (dae) epoch 1/2: loss 2.5000
                2026-12-05T10:10:12Z stage 1 (dae): its provider io.layerwise.model-dae 0.1.0 went away during epoch 2
                2026-12-05T10:10:13Z stage 1 (dae): provider io.layerwise.model-dae 0.1.1 takes over
                """);
        Files.write(run.resolve("filters.png"), new byte[] {1});
        Files.write(run.getParent().resolve("loss.png"), new byte[] {2});
        Files.writeString(tmp.resolve("secret.png"), "outside");
        Files.writeString(tmp.resolve("history.json"), "{}");
        folder = new RunFolder(runs);
    }

    @Test
    void aRunReadsItsHistoryPicturesAndSwapEventsInOrder() throws Exception {
        JsonObject run = folder.run("tiny-20261205-101010").orElseThrow();
        assertEquals("tiny", run.getAsJsonObject("history").get("pipeline").getAsString());
        assertEquals("[\"loss.png\",\"stage-1-dae/filters.png\"]", run.get("pictures").toString());
        assertEquals(2, run.getAsJsonArray("events").size());
        assertTrue(run.getAsJsonArray("events").get(0).getAsJsonObject().get("text").getAsString().contains("went away"));
        assertTrue(run.getAsJsonArray("events").get(1).getAsJsonObject().get("text").getAsString().contains("takes over"));
        assertEquals(1, folder.list().size());
    }

    @Test
    void aLossThatIsNoNumberIsServedAsNull() throws Exception {
        Files.writeString(runs.resolve("tiny-20261205-101010/history.json"),
                "{\"stages\": [{\"epochs\": [{\"epoch\": 1, \"loss\": NaN, \"val_loss\": Infinity}]}]}");
        JsonObject epoch = folder.run("tiny-20261205-101010").orElseThrow().getAsJsonObject("history")
                .getAsJsonArray("stages").get(0).getAsJsonObject().getAsJsonArray("epochs").get(0).getAsJsonObject();
        assertTrue(epoch.get("loss").isJsonNull());
        assertTrue(epoch.get("val_loss").isJsonNull());
        assertEquals("{\"epoch\":1,\"loss\":null,\"val_loss\":null}", Json.GSON.toJson(epoch));
    }

    @Test
    void traversalEncodedAndAbsoluteNamesAreRefusedBeforeTheFileSystem() throws Exception {
        for (String name : List.of("..", "../runs", "..%2F..%2Fsecret", "%2e%2e", "/etc", "/", "", ".", ".hidden",
                tmp.toString(), "a/b", "a\\b", "tiny-20261205-101010/..", "~")) {
            assertFalse(RunFolder.validName(name), name);
            assertTrue(folder.dir(name).isEmpty(), name);
        }
        assertTrue(folder.run("no-such-run").orElse(null) == null);
    }

    @Test
    void picturesOutsideTheRunOrNotPicturesAreRefused() throws Exception {
        String run = "tiny-20261205-101010";
        assertTrue(folder.picture(run, "stage-1-dae/filters.png").isPresent());
        assertTrue(folder.picture(run, "loss.png").isPresent());
        for (String path : List.of("../../secret.png", "../secret.png", "history.json", "/etc/passwd",
                "stage-1-dae/../../../secret.png", "a/b/c.png", "%2e%2e/secret.png", "run.log")) {
            assertTrue(folder.picture(run, path).isEmpty(), path);
        }
    }

    @Test
    void aLinkedRunDirectoryOrPictureIsNotFollowed() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(outside.resolve("history.json"), "{}");
        Files.createSymbolicLink(runs.resolve("linked"), outside);
        Files.createSymbolicLink(runs.resolve("tiny-20261205-101010/leak.png"), tmp.resolve("secret.png"));
        assertTrue(folder.dir("linked").isEmpty());
        assertTrue(folder.picture("tiny-20261205-101010", "leak.png").isEmpty());
        assertEquals(1, folder.list().size());
    }
}
