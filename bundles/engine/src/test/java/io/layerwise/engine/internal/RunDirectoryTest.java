package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.stage.Parameter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void refusesANonEmptyOutputDirectorySoNothingIsOverwritten() throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "precious");
        var e = assertThrows(java.io.IOException.class, () -> RunDirectory.create(out, "x", "{}", "1"));
        assertTrue(e.getMessage().contains("exists and is not empty"));
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void defaultPathsDoNotCollide() throws Exception {
        Path a = RunDirectory.defaultPath(dir, "n");
        Files.createDirectories(a);
        Path b = RunDirectory.defaultPath(dir, "n");
        assertTrue(!a.equals(b) && b.getFileName().toString().startsWith(a.getFileName().toString()));
    }

    @Test
    void historyRecordsEpochsAndStatus() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("r"), "x", "{\"name\":\"x\"}", "1");
        History.StageEntry stage = new History.StageEntry();
        stage.type = "dae";
        run.addEpoch(run.beginStage(stage), new History.Epoch(1, 80.5, null, null, 2.0, Map.of()));
        run.finish("done", null);
        String h = Files.readString(dir.resolve("r/history.json"));
        assertTrue(h.contains("\"status\": \"done\"") && h.contains("\"loss\": 80.5"), h);
        assertTrue(Files.exists(dir.resolve("r/pipeline.json")));
    }

    @Test
    void modelFilesHoldLittleEndianFloatsWithChecksums() throws Exception {
        Parameter w = new Parameter("W", new int[] {2, 2}, new float[] {1f, -2f, 3.5f, 0f});
        Parameter b = new Parameter("bh", new int[] {2}, new float[] {0.25f, 7f});
        ModelFiles.write(dir, Map.of("type", "ae"), List.of(w, b));
        byte[] bytes = Files.readAllBytes(dir.resolve("params.bin"));
        assertEquals(24, bytes.length);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3.5f, buf.getFloat(8));
        assertEquals(7f, buf.getFloat(20));
        String model = Files.readString(dir.resolve("model.json"));
        assertTrue(model.contains("\"formatVersion\": 1") && model.contains(ModelFiles.sha256(w.values()))
                && model.contains("\"offset\": 16"), model);
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void aLinkPlantedWhereTheNextRunWouldGoIsSkippedSoNothingIsWrittenOutside() throws Exception {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        java.time.LocalDateTime now = java.time.LocalDateTime.now();
        for (int s = 0; s < 3; s++) { // this second and the next two: the run directory's possible names
            String stamp = now.plusSeconds(s).format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Files.createSymbolicLink(runs.resolve("tiny-" + stamp), outside);
        }
        RunDirectory run = RunDirectory.createUnder(runs, "tiny", "{}", "1");
        assertEquals(runs.toRealPath(), run.dir.getParent());
        assertTrue(Files.isDirectory(run.dir, java.nio.file.LinkOption.NOFOLLOW_LINKS), run.dir.toString());
        try (var entries = Files.list(outside)) {
            assertEquals(0, entries.count(), "nothing written through the links");
        }
    }

    @Test
    void aRunsDirectoryThatIsALinkIsFollowedOnceAndRunsStayInsideIt() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("bigdisk"));
        Path runs = Files.createSymbolicLink(dir.resolve("runs"), disk);
        RunDirectory run = RunDirectory.createUnder(runs, "tiny", "{}", "1");
        assertEquals(disk.toRealPath(), run.dir.getParent());
    }

    @Test
    void runNamesWithSeparatorsOrDotsCannotLeaveTheRunsDirectory() {
        for (String name : List.of("../escaped", "/tmp/escaped", "..", "a/b", ".hidden", "")) {
            assertThrows(IllegalArgumentException.class, () -> RunDirectory.defaultPath(dir, name), name);
        }
    }

    @Test
    void anOutputDirectoryThatIsASymbolicLinkIsRefused() throws Exception {
        Path target = Files.createDirectories(dir.resolve("target"));
        Path link = Files.createSymbolicLink(dir.resolve("out"), target);
        var e = assertThrows(java.io.IOException.class, () -> RunDirectory.create(link, "x", "{}", "1"));
        assertEquals(link + ": is a symbolic link; give the output directory itself", e.getMessage());
        try (var entries = Files.list(target)) {
            assertEquals(0, entries.count());
        }
    }

    @Test
    void stageFoldersNeedAPlainTypeNameAndMayNotBeLinks() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("r"), "x", "{}", "1");
        var e = assertThrows(java.io.IOException.class, () -> run.stageDir(0, "../../evil"));
        assertTrue(e.getMessage().contains("\"../../evil\" is not a plain name"), e.getMessage());
        Files.createSymbolicLink(dir.resolve("r/stage-2-dae"), dir);
        e = assertThrows(java.io.IOException.class, () -> run.stageDir(1, "dae"));
        assertTrue(e.getMessage().contains("must lie directly inside"), e.getMessage());
    }

    @Test
    void anOutputDirectoryThatCannotBeCreatedSaysWhyAndLeavesNothing() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        Path out = dir.resolve("file/run");
        var e = assertThrows(java.io.IOException.class, () -> RunDirectory.create(out, "x", "{}", "1"));
        assertTrue(e.getMessage().startsWith(out + ": cannot create the run directory: "), e.getMessage());
        assertEquals("x", Files.readString(dir.resolve("file")));
    }

    @Test
    void emptyFoldersOfAFailedRunAreRemovedCompleteModelsStay() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("r"), "x", "{}", "1");
        Path kept = run.stageDir(0, "dae");
        ModelFiles.write(kept, Map.of("type", "dae"), List.of(new Parameter("b", new int[] {1}, new float[] {1})));
        Path empty = run.stageDir(1, "rbm");
        run.removeIncompleteFolders();
        assertTrue(Files.exists(kept.resolve("model.json")));
        assertTrue(!Files.exists(empty));
        assertTrue(Files.exists(dir.resolve("r/history.json")), "the record of the failure stays");
    }

    @Test
    void aSecondWriterOfARunDirectoryIsRefusedAndWritesNothing() throws Exception {
        RunDirectory first = RunDirectory.create(dir.resolve("r"), "x", "{}", "1");
        first.log("first");
        String history = Files.readString(dir.resolve("r/history.json"));
        var e = assertThrows(java.io.IOException.class, () -> RunDirectory.reopen(dir.resolve("r"), "2"));
        assertTrue(e.getMessage().startsWith(dir.resolve("r") + ": in use by job 1 (pid "), e.getMessage());
        assertEquals(history, Files.readString(dir.resolve("r/history.json")));
        first.close();
        assertTrue(Files.notExists(dir.resolve("r/" + RunLock.FILE)), "released: the lock file goes");
        RunDirectory second = RunDirectory.reopen(dir.resolve("r"), "2");
        assertTrue(Files.exists(dir.resolve("r/" + RunLock.FILE)));
        second.close();
    }

    @Test
    void resumingAFinishedRunIsRefusedAndLeavesNoLockBehind() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("r"), "x", "{}", "1");
        run.finish("done", null);
        run.close();
        var e = assertThrows(java.io.IOException.class, () -> RunDirectory.reopen(dir.resolve("r"), "2"));
        assertEquals(dir.resolve("r") + ": the run finished; there is nothing to resume", e.getMessage());
        try (var entries = Files.list(dir.resolve("r"))) {
            assertEquals(List.of("history.json", "pipeline.json"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
