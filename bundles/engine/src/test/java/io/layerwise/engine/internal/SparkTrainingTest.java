package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkTrainingTest {
    @TempDir
    Path jars;

    private SparkSection section(String master, String sparkHome) throws Exception {
        Path job = Files.createDirectories(jars.resolve("job"));
        for (String jar : List.of("layerwise-spark-job-1.0-job.jar", "layerwise-model-dae-1.0.jar", "nd4j-api-1.jar")) {
            Files.createFile(job.resolve(jar));
        }
        Files.createFile(jars.resolve("spark-core_2.12-3.5.9.jar"));
        return new SparkSection(master, 2, 1, "same", sparkHome, jars);
    }

    private int after(List<String> cmd, String flag) {
        int i = cmd.indexOf(flag);
        assertTrue(i >= 0, flag + " in " + cmd);
        return i + 1;
    }

    @Test
    void withTheBuiltJarsTheJobIsSubmittedBySparkSubmitsOwnClassInClientMode() throws Exception {
        List<String> cmd = SparkTraining.submitCommand(section("local[2]", null), "p stage 1", List.of("a.json", "--x"));
        assertTrue(cmd.get(0).endsWith("/bin/java"), cmd.toString());
        String cp = cmd.get(after(cmd, "-cp"));
        assertEquals(jars.toAbsolutePath() + "/*:" + jars.resolve("job").toAbsolutePath() + "/*", cp);
        assertEquals(SparkTraining.SUBMIT, cmd.get(after(cmd, "-cp") + 1));
        assertEquals("local[2]", cmd.get(after(cmd, "--master")));
        assertEquals("client", cmd.get(after(cmd, "--deploy-mode")));
        assertEquals(SparkTraining.DRIVER, cmd.get(after(cmd, "--class")));
        assertFalse(cmd.contains("--jars"), "local executors run in the driver, which has the jars: " + cmd);
        assertEquals(List.of(jars.resolve("job/layerwise-spark-job-1.0-job.jar").toAbsolutePath().toString(), "a.json",
                "--x"), cmd.subList(cmd.size() - 3, cmd.size()), "the job jar, then the job's arguments");
    }

    @Test
    void aClusterGetsTheJobsJarsFromTheDriverAndASparkHomeItsOwnSparkSubmit() throws Exception {
        List<String> cluster = SparkTraining.submitCommand(section("spark://h:7077", null), "p", List.of());
        String shipped = cluster.get(after(cluster, "--jars"));
        assertEquals(jars.resolve("job/layerwise-model-dae-1.0.jar").toAbsolutePath() + ","
                + jars.resolve("job/nd4j-api-1.jar").toAbsolutePath(), shipped, "every job/ jar but the job jar");

        Path home = Files.createDirectories(jars.resolve("home/bin"));
        Path submit = Files.writeString(home.resolve("spark-submit"), "#!/bin/sh\n");
        submit.toFile().setExecutable(true);
        List<String> viaHome = SparkTraining.submitCommand(new SparkSection("local[2]", 2, 1, "same",
                jars.resolve("home").toString(), jars), "p", List.of());
        assertEquals(submit.toString(), viaHome.get(0));
        assertFalse(viaHome.contains("-cp"), viaHome.toString());
        assertTrue(viaHome.get(after(viaHome, "--jars")).contains("layerwise-model-dae-1.0.jar"),
                "a Spark home has only Spark's jars: the job's travel with --jars, local or not");

        StageFailure none = assertThrows(StageFailure.class, () -> SparkTraining.submitCommand(new SparkSection(
                "local[2]", 2, 1, "same", jars.resolve("nowhere").toString(), jars), "p", List.of()));
        assertTrue(none.getMessage().contains("execution.sparkHome: " + jars.resolve("nowhere/bin/spark-submit")),
                none.getMessage());
    }

    @Test
    void jarsWithoutTheJobFolderAreNamedInTheError() {
        StageFailure e = assertThrows(StageFailure.class, () -> SparkTraining.submitCommand(new SparkSection(
                "local[2]", 2, 1, "same", null, jars), "p", List.of()));
        assertTrue(e.getMessage().contains(jars.resolve("job").toString()), e.getMessage());
    }
}
