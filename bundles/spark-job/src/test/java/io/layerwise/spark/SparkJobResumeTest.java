package io.layerwise.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkJobResumeTest {
    @TempDir
    Path dir;

    static String pipeline(String execution) {
        return "{\"name\":\"resume\",\"seed\":99,\"data\":{\"source\":\"mnist\",\"dir\":\""
                + SparkTestData.mnistDir().toString().replace("\\", "/") + "\",\"limit\":1000,\"testLimit\":100},"
                + "\"stages\":[{\"type\":\"dae\",\"hidden\":24,\"noise\":{\"kind\":\"mask\",\"level\":0.3},"
                + "\"train\":{\"epochs\":3,\"batch\":20,\"optimizer\":{\"kind\":\"adam\",\"lr\":0.001}}}],"
                + "\"execution\":" + execution + "}";
    }

    @Test
    void aDriverKilledMidRunResumesFromItsLastRoundAndEndsWithTheUninterruptedParameters() throws Exception {
        Path file = dir.resolve("p.json");
        Files.writeString(file, pipeline("{\"engine\":\"spark\",\"master\":\"local[2]\",\"workers\":2,"
                + "\"averageEvery\":1}"));
        Path killedOut = dir.resolve("killed");
        Process p = JavaProcesses.start(dir.resolve("first.log"), SparkJob.class.getName(), file.toString(),
                "--out", killedOut.toString());
        Path checkpoint = killedOut.resolve(SparkJob.CHECKPOINT);
        try {
            // 3 epochs of 25 rounds: kill once the second epoch has begun
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (!(Files.exists(checkpoint) && SnapshotFile.read(checkpoint).position().epoch() >= 1)) {
                assertTrue(p.isAlive(), "the driver ended before it was killed: " + Files.readString(
                        dir.resolve("first.log")));
                assertTrue(System.nanoTime() < deadline, "no checkpoint of the second epoch in 240 s");
                Thread.sleep(100);
            }
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(!Files.exists(killedOut.resolve("stage-0/params.bin")), "killed before the stage ended");
        Process resumed = JavaProcesses.start(dir.resolve("second.log"), SparkJob.class.getName(), file.toString(),
                "--out", killedOut.toString(), "--resume");
        try {
            assertTrue(resumed.waitFor(240, TimeUnit.SECONDS), "the resumed driver did not end in 240 s");
        } finally {
            JavaProcesses.stop(resumed);
        }
        String log = Files.readString(dir.resolve("second.log"));
        assertEquals(0, resumed.exitValue(), log);
        assertTrue(log.contains(SparkJob.PREFIX + "{\"event\":\"done\"}"), log);
        // epoch 0 is not trained again: its line is the killed run's, replayed from epochs.jsonl (its seconds too)
        String firstEpoch = Files.readString(dir.resolve("first.log")).lines()
                .filter(l -> l.startsWith(SparkJob.PREFIX) && l.contains("\"epoch\":0,")).findFirst().orElseThrow();
        assertEquals(List.of(firstEpoch), log.lines().filter(l -> l.contains("\"epoch\":0,")).toList(), log);
        assertEquals(3, log.lines().filter(l -> l.contains("\"event\":\"epoch\"")).count(), log);

        Path whole = dir.resolve("whole");
        new SparkJob(System.out).run(new SparkJob.Options(file, whole, null, false));
        assertArrayEquals(Files.readAllBytes(whole.resolve("stage-0/params.bin")),
                Files.readAllBytes(killedOut.resolve("stage-0/params.bin")));
    }
}
