package io.layerwise.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparkPlanTest {
    private static final Components ON_CLASS_PATH = Components.scan(SparkPlanTest.class.getClassLoader());

    @Test
    void providersAreFoundFromTheBundlesComponentDescriptors() {
        assertEquals("io.layerwise.model.dae.internal.DaeStageProvider", ON_CLASS_PATH.find(
                io.layerwise.api.stage.StageProvider.class, io.layerwise.api.stage.StageProvider.TYPE, null, "dae"));
        assertTrue(ON_CLASS_PATH.names(io.layerwise.api.regularizer.Regularizer.class,
                io.layerwise.api.regularizer.Regularizer.TYPE).contains("kl-sparsity"));
    }

    @Test
    void aVaeStageIsRefusedBeforeTheRunNamingItsIndexAndType() {
        String json = "{\"name\":\"x\",\"stages\":[{\"type\":\"dae\",\"hidden\":10},{\"type\":\"vae\",\"latent\":2}],"
                + "\"execution\":{\"engine\":\"spark\",\"workers\":2}}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkPlan.parse(json, "p.json", ON_CLASS_PATH));
        assertTrue(e.getMessage().startsWith("p.json: stages[1] (type \"vae\") cannot run data-parallel on Spark"),
                e.getMessage());
    }

    @Test
    void aFullBatchOptimizerIsRefusedAtItsPath() {
        String json = "{\"stages\":[{\"type\":\"ae\",\"hidden\":10,\"train\":{\"optimizer\":{\"kind\":\"lbfgs\"}}}]}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkPlan.parse(json, "p.json", ON_CLASS_PATH));
        assertTrue(e.getMessage().startsWith("p.json: stages[0].train.optimizer.kind"), e.getMessage());
    }

    @Test
    void executionSectionGivesWorkersAveragingAndMaster() {
        SparkPlan p = SparkPlan.parse("{\"seed\":7,\"stages\":[{\"type\":\"rbm\",\"hidden\":10}],\"execution\":"
                + "{\"engine\":\"spark\",\"master\":\"spark://127.0.0.1:7077\",\"workers\":3,\"averageEvery\":4}}",
                "p.json", ON_CLASS_PATH);
        assertEquals(3, p.settings.workers());
        assertEquals(4, p.settings.averageEvery());
        assertEquals("spark://127.0.0.1:7077", p.master);
        assertEquals(7, p.recipe(0, 784, "unit", 100).seed(), "stage i's seed is the pipeline seed + i, as the engine's");
    }

    @Test
    void linearLearningRateMultipliesAnAveragedStagesRateByTheWorkers() {
        SparkPlan p = SparkPlan.parse("{\"stages\":[{\"type\":\"dae\",\"hidden\":10,\"train\":{\"optimizer\":"
                + "{\"kind\":\"sgd\",\"lr\":0.1}}}],\"execution\":{\"workers\":3,\"learningRate\":\"linear\"}}",
                "p.json", ON_CLASS_PATH);
        assertTrue(p.recipe(0, 784, "unit", 10).specJson().contains("\"lr\":0.30000000000000004"),
                p.recipe(0, 784, "unit", 10).specJson());
    }
}
