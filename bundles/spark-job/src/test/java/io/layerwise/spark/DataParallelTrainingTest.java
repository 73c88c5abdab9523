package io.layerwise.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DataParallelTrainingTest {
    private static JavaSparkContext sc;
    private static Dataset mnist;

    @BeforeAll
    static void start() throws Exception {
        mnist = SparkTestData.mnist(8000, 1000);
        sc = SparkTestData.local(2);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    static StageRecipe dae(String optimizer, int hidden, int epochs, int rows) {
        String spec = "{\"type\":\"dae\",\"hidden\":" + hidden + ",\"tied\":true,\"encoder\":\"sigmoid\","
                + "\"decoder\":\"sigmoid\",\"loss\":\"cross-entropy\",\"noise\":{\"kind\":\"mask\",\"level\":0.3},"
                + "\"train\":{\"epochs\":" + epochs + ",\"batch\":20,\"optimizer\":" + optimizer + "}}";
        return new StageRecipe("stages[0]", "dae", "io.layerwise.model.dae.internal.DaeStageProvider", spec,
                Map.of(), 784, "unit", 1234, rows);
    }

    /** The engine's loop without the engine: every batch index in order each epoch; the mean loss of the last. */
    static double singleMachine(Stage stage, io.layerwise.api.data.FloatMatrix train) {
        int batches = stage.prepareTraining(train);
        double loss = 0;
        for (int e = 0; e < stage.epochs(); e++) {
            loss = 0;
            for (int b = 0; b < batches; b++) {
                loss += stage.trainBatch(b);
            }
        }
        return loss / train.rows();
    }

    @Test
    void oneWorkerAveragingEveryBatchIsTheSingleMachineRunWithin1e5() {
        // Adam: optimiser moments and step count must cross every round; masking noise: the worker's generator too
        StageRecipe recipe = dae("{\"kind\":\"adam\",\"lr\":0.001}", 32, 2, 300);
        var train = mnist.train().rows(0, 300);
        List<Parameter> expected;
        try (Stage stage = recipe.create()) {
            singleMachine(stage, train);
            expected = stage.parameters();
        }
        List<DataParallelTraining.Epoch> epochs = new ArrayList<>();
        Snapshot s = new DataParallelTraining(sc, new DataParallelTraining.Settings(1, 1)).train(recipe, train, null,
                null, new DataParallelTraining.Listener() {
                    @Override
                    public void epoch(DataParallelTraining.Epoch e) {
                        epochs.add(e);
                    }
                });
        assertEquals(2, epochs.size());
        assertEquals(15, epochs.get(0).rounds(), "300 rows in batches of 20, averaged after every batch");
        List<Parameter> actual = s.parameterList();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            float[] a = expected.get(i).values();
            float[] b = actual.get(i).values();
            assertEquals(a.length, b.length, expected.get(i).name());
            double worst = 0;
            for (int j = 0; j < a.length; j++) {
                worst = Math.max(worst, Math.abs(a[j] - b[j]));
            }
            assertTrue(worst <= 1e-5, expected.get(i).name() + " differs by " + worst);
        }
    }

    @Test
    void twoWorkersReachTheSingleMachineTrainCrossEntropyWithinOneAtEqualEpochs() {
        // mnist-dae.json's stage (784-h tied, mask 0.3, SGD 0.1, batch 20) with fewer units and epochs for the test
        StageRecipe recipe = dae("{\"kind\":\"sgd\",\"lr\":0.1}", 100, 2, 8000);
        var train = mnist.train();
        double single;
        try (Stage stage = recipe.create()) {
            single = singleMachine(stage, train);
        }
        List<DataParallelTraining.Epoch> epochs = new ArrayList<>();
        // the rate scaled by the workers (execution.learningRate "linear"), as SparkPlan does it
        StageRecipe scaled = dae("{\"kind\":\"sgd\",\"lr\":0.2}", 100, 2, 8000);
        new DataParallelTraining(sc, new DataParallelTraining.Settings(2, 1)).train(scaled, train, mnist.test(), null,
                new DataParallelTraining.Listener() {
                    @Override
                    public void epoch(DataParallelTraining.Epoch e) {
                        epochs.add(e);
                    }
                });
        double spark = epochs.get(1).loss();
        assertEquals(200, epochs.get(1).rounds(), "4000 rows a worker, 200 batches, averaged after each");
        assertTrue(Math.abs(spark - single) <= 1.0, "two workers: train CE " + spark + ", one machine " + single);
        assertTrue(epochs.get(1).metrics().get("testReconstructionCE") < epochs.get(0).metrics().get(
                "testReconstructionCE") + 1e-9, "held-out CE goes down: " + epochs);
    }

    @Test
    void aRetriedTaskReturnsWhatItsFirstAttemptWould() {
        StageRecipe recipe = dae("{\"kind\":\"adam\",\"lr\":0.001}", 16, 1, 200);
        List<Shard> shards = Shard.split(mnist.train().rows(0, 200), 2);
        Snapshot start;
        try (Stage s = recipe.create()) {
            start = Snapshot.initial(s.parameters());
        }
        RoundTask.Result first = RoundTask.run(shards.get(1), recipe, start, 0, 3);
        // a fresh local context that tolerates a failure: the first attempt of every task dies
        sc.stop();
        sc = new org.apache.spark.api.java.JavaSparkContext(new org.apache.spark.SparkConf().setMaster("local[2,2]")
                .setAppName("retry").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
        var b = sc.broadcast(start);
        List<RoundTask.Result> retried = sc.parallelize(shards, 2).map(shard -> {
            if (org.apache.spark.TaskContext.get().attemptNumber() == 0) {
                RoundTask.run(shard, recipe, b.value(), 0, 3); // trains, then the executor "dies"
                throw new IllegalStateException("first attempt of worker " + shard.index() + " fails");
            }
            return RoundTask.run(shard, recipe, b.value(), 0, 3);
        }).collect();
        RoundTask.Result again = retried.get(1);
        assertEquals(3, again.batches());
        assertEquals(first.lossSum(), again.lossSum(), 0.0);
        for (int i = 0; i < first.parameters().size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(first.parameters().get(i).values(),
                    again.parameters().get(i).values(), first.parameters().get(i).name());
        }
    }

    @Test
    void executorsReadingTheirShardsFromTheRowsFileTrainAsShippedShardsDo(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        StageRecipe recipe = dae("{\"kind\":\"adam\",\"lr\":0.001}", 16, 1, 301);
        var train = mnist.train().rows(0, 301); // shards of 150 and 151 rows
        java.nio.file.Path file = RowsFileTest.write(dir.resolve("train.rows"), train, "unit");
        DataParallelTraining training = new DataParallelTraining(sc, new DataParallelTraining.Settings(2, 3));
        DataParallelTraining.Listener quiet = new DataParallelTraining.Listener() {
        };
        Snapshot shipped = training.train(recipe, train, null, null, quiet);
        Snapshot read = training.train(recipe, train, file, null, null, quiet);
        List<Parameter> a = shipped.parameterList();
        List<Parameter> b = read.parameterList();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(i).values(), b.get(i).values(), a.get(i).name());
        }
        // and the rows do come from the file: other rows there, other parameters
        java.nio.file.Path other = RowsFileTest.write(dir.resolve("other.rows"), mnist.train().rows(301, 602), "unit");
        float[] fromOther = training.train(recipe, train, other, null, null, quiet).parameterList().get(0).values();
        assertTrue(!java.util.Arrays.equals(a.get(0).values(), fromOther), "the file's rows were not the ones trained on");
    }

    @Test
    void aPlatformStageReadFromRowsFilesTrainsAsTheDriversOwnDataWithoutTheDriverHoldingTheRows(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("p.json"), SparkJobResumeTest.pipeline(
                "{\"engine\":\"spark\",\"workers\":2,\"averageEvery\":3}").replace("\"epochs\":3", "\"epochs\":2"));
        SparkPlan plan = SparkPlan.read(file, Components.scan(Thread.currentThread().getContextClassLoader()));
        Dataset data = plan.load();
        java.nio.file.Path rows = java.nio.file.Files.createDirectories(dir.resolve("rows"));
        RowsFileTest.write(rows.resolve("train.rows"), data.train(), data.valueRange());
        RowsFileTest.write(rows.resolve("test.rows"), data.test(), data.valueRange());
        java.io.ByteArrayOutputStream ownLines = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream fileLines = new java.io.ByteArrayOutputStream();
        new SparkJob(new java.io.PrintStream(ownLines, true)).run(sc, plan, data, null, dir.resolve("own"), null, 0);
        // no data set at all: the executors read train.rows, the driver its header and test.rows
        new SparkJob(new java.io.PrintStream(fileLines, true)).run(sc, plan, null, rows, dir.resolve("file"), null, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                java.nio.file.Files.readAllBytes(dir.resolve("own/stage-0/params.bin")),
                java.nio.file.Files.readAllBytes(dir.resolve("file/stage-0/params.bin")));
        // the same epoch lines (loss per training row, held-out metrics) but for the seconds each took
        java.util.function.Function<String, List<String>> epochs = out -> out.lines()
                .filter(l -> l.contains("\"event\":\"epoch\"")).map(l -> l.replaceAll("\"seconds\":[^,]*,", ""))
                .toList();
        List<String> own = epochs.apply(ownLines.toString());
        assertEquals(2, own.size(), ownLines.toString());
        assertTrue(own.get(1).contains("testReconstructionCE"), own.get(1));
        assertEquals(own, epochs.apply(fileLines.toString()));
    }
}
