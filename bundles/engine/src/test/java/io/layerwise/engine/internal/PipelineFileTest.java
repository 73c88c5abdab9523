package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.pipeline.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineFileTest {
    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path p = dir.resolve("p.json");
        Files.writeString(p, json);
        return p;
    }

    private String error(String json) throws IOException {
        Path p = write(json);
        return assertThrows(PipelineException.class, () -> PipelineFile.read(p)).getMessage();
    }

    @Test
    void readsNameSeedDataAndStages() throws Exception {
        PipelineFile f = PipelineFile.read(write(
                "{\"name\":\"x\",\"seed\":7,\"data\":{\"source\":\"mnist\",\"limit\":10},\"stages\":[{\"type\":\"dae\"}]}"));
        assertEquals("x", f.name);
        assertEquals(7, f.seed);
        assertEquals("mnist", f.dataSource);
        assertEquals(10L, f.data.get("limit"));
        assertEquals("dae", PipelineFile.stageType(f.stages.get(0)));
    }

    @Test
    void nameDefaultsToTheFileName() throws Exception {
        assertEquals("p", PipelineFile.read(write("{\"data\":{\"source\":\"m\"},\"stages\":[{\"type\":\"dae\"}]}")).name);
    }

    @Test
    void malformedJsonNamesTheFileAndPosition() throws Exception {
        String m = error("{\"data\": {\"source\": \"mnist\"}, \"stages\": [");
        assertTrue(m.startsWith(dir.resolve("p.json") + ": malformed JSON"), m);
        assertTrue(m.contains("line 1"), m);
    }

    @Test
    void trailingCommaIsMalformed() throws Exception {
        assertTrue(error("{\"data\": {\"source\": \"mnist\"},}").contains("malformed JSON"));
    }

    @Test
    void aTopLevelListIsRejected() throws Exception {
        assertTrue(error("[1, 2]").contains("must be a JSON object"));
    }

    @Test
    void missingFileIsNamed() {
        Path p = dir.resolve("nope.json");
        assertEquals(p + ": no such pipeline file",
                assertThrows(PipelineException.class, () -> PipelineFile.read(p)).getMessage());
    }

    @Test
    void unknownTopLevelFieldIsNamed() throws Exception {
        String m = error("{\"data\":{\"source\":\"m\"},\"stages\":[{\"type\":\"dae\"}],\"sed\":1}");
        assertTrue(m.endsWith("sed is not a known field here; known fields: name, description, seed, data, stages, finetune"), m);
    }

    @Test
    void stagesMustBeANonEmptyListOfTypedObjects() throws Exception {
        assertTrue(error("{\"data\":{\"source\":\"m\"},\"stages\":[]}").endsWith("stages must be a non-empty list of stage objects"));
        assertTrue(error("{\"data\":{\"source\":\"m\"},\"stages\":[{\"hidden\":3}]}")
                .endsWith("stages[0].type is required (a stage type such as \"dae\")"));
        assertTrue(error("{\"data\":{\"source\":\"m\"},\"stages\":[{\"type\":3}]}")
                .endsWith("stages[0].type must be a string naming a stage type"));
    }

    @Test
    void dataSourceIsRequired() throws Exception {
        assertTrue(error("{\"stages\":[{\"type\":\"dae\"}]}").endsWith("data is required, e.g. {\"source\": \"mnist\"}"));
        assertTrue(error("{\"data\":{},\"stages\":[{\"type\":\"dae\"}]}").contains("data.source is required"));
    }

    @Test
    void runNamesCannotEscapeTheRunsDirectory() throws Exception {
        for (String bad : new String[] {"../x", "/etc", "a/b", "..", ""}) {
            String m = error("{\"name\":\"" + bad + "\",\"data\":{\"source\":\"m\"},\"stages\":[{\"type\":\"dae\"}]}");
            assertTrue(m.contains("name must be 1-100 letters"), m);
        }
    }

    @Test
    void aSparkExecutionSectionIsReadWithItsDefaults() throws Exception {
        PipelineFile f = PipelineFile.read(write("{\"data\":{\"source\":\"mnist\"},\"stages\":[{\"type\":\"dae\"},"
                + "{\"type\":\"rbm\"}],\"execution\":{\"engine\":\"spark\",\"workers\":3,\"averageEvery\":4}}"));
        assertEquals(new SparkSection("local[3]", 3, 4, "same", null, null), f.spark);
        assertEquals(null, PipelineFile.read(write("{\"data\":{\"source\":\"m\"},\"stages\":[{\"type\":\"vae\"}],"
                + "\"execution\":{\"engine\":\"local\"}}")).spark, "engine local: trained here, any type");
    }

    @Test
    void theSparkFlagSendsAnyPipelineToSparkWithItsMasterAndTheSectionsOtherFields() throws Exception {
        Path plain = write("{\"data\":{\"source\":\"mnist\"},\"stages\":[{\"type\":\"dae\"}]}");
        assertEquals(null, PipelineFile.read(plain).spark);
        assertEquals(new SparkSection("local[4]", 4, 1, "same", null, null), PipelineFile.read(plain, "local[4]").spark);
        assertEquals(new SparkSection("spark://h:7077", 2, 1, "same", null, null),
                PipelineFile.read(plain, "spark://h:7077").spark);
        Path local = write("{\"data\":{\"source\":\"mnist\"},\"stages\":[{\"type\":\"dae\"}],\"execution\":"
                + "{\"engine\":\"local\",\"master\":\"local[8]\",\"workers\":3,\"averageEvery\":5,"
                + "\"learningRate\":\"linear\"}}");
        assertEquals(new SparkSection("spark://h:7077", 3, 5, "linear", null, null),
                PipelineFile.read(local, "spark://h:7077").spark, "the flag's master, the section's other fields");
        Path vae = write("{\"data\":{\"source\":\"mnist\"},\"stages\":[{\"type\":\"vae\"}]}");
        String m = assertThrows(PipelineException.class, () -> PipelineFile.read(vae, "local[2]")).getMessage();
        assertTrue(m.contains("stages[0].type \"vae\" cannot run data-parallel on Spark (--spark local[2])"), m);
    }

    @Test
    void aStageThatCannotRunDataParallelIsRefusedAtItsType() throws Exception {
        String m = error("{\"data\":{\"source\":\"mnist\"},\"stages\":[{\"type\":\"dae\"},{\"type\":\"conv-ae\"}],"
                + "\"execution\":{\"engine\":\"spark\"}}");
        assertTrue(m.contains("stages[1].type \"conv-ae\" cannot run data-parallel on Spark"), m);
        String lbfgs = error("{\"data\":{\"source\":\"mnist\"},\"stages\":[{\"type\":\"ae\",\"train\":{\"optimizer\":"
                + "{\"kind\":\"lbfgs\"}}}],\"execution\":{\"engine\":\"spark\"}}");
        assertTrue(lbfgs.contains("stages[0].train.optimizer.kind"), lbfgs);
    }

    @Test
    void anUnknownExecutionFieldIsRejected() throws Exception {
        String m = error("{\"data\":{\"source\":\"mnist\"},\"stages\":[{\"type\":\"dae\"}],"
                + "\"execution\":{\"engine\":\"spark\",\"worker\":2}}");
        assertTrue(m.contains("execution.worker"), m);
    }
}
