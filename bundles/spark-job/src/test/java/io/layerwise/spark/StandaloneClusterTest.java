package io.layerwise.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Stage;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone Spark cluster on 127.0.0.1 — a Master and two Workers, each a JVM of its own, from the Spark jars Maven
 * provides — trains a denoising autoencoder with two workers, and ends with the parameters of the same run in local
 * mode: the round's result depends on the broadcast and the shards only, wherever the tasks run.
 */
class StandaloneClusterTest {
    @TempDir
    Path dir;

    @Test
    void aMasterAndTwoWorkerJvmsTrainTheDaeAsLocalModeDoes() throws Exception {
        Path home = sparkHome();
        int masterPort = freePort();
        String url = "spark://127.0.0.1:" + masterPort;
        List<Process> cluster = new ArrayList<>();
        try {
            int ui = freePort();
            cluster.add(start(home, "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(ui)));
            for (int w = 1; w <= 2; w++) {
                Path work = Files.createDirectories(dir.resolve("work-" + w));
                cluster.add(start(home, "worker-" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(freePort()), "--work-dir",
                        work.toString(), url));
            }
            awaitAliveWorkers(ui, 2, cluster);
            StageRecipe recipe = DataParallelTrainingTest.dae("{\"kind\":\"adam\",\"lr\":0.001}", 16, 1, 400);
            FloatMatrix train = SparkTestData.mnist(400, 10).train();
            DataParallelTraining.Settings two = new DataParallelTraining.Settings(2, 2);
            Snapshot onCluster;
            SparkConf conf = new SparkConf().setMaster(url).setAppName("layerwise-standalone-test")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1").set("spark.executor.memory", "768m")
                    .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .set("spark.executorEnv.OMP_NUM_THREADS", "1");
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                assertTrue(sc.sc().getExecutorMemoryStatus().size() >= 1, "the driver sees the cluster");
                onCluster = new DataParallelTraining(sc, two).train(recipe, train, null, null,
                        new DataParallelTraining.Listener() { });
            }
            Snapshot local;
            try (JavaSparkContext sc = SparkTestData.local(2)) {
                local = new DataParallelTraining(sc, two).train(recipe, train, null, null,
                        new DataParallelTraining.Listener() { });
            }
            for (int i = 0; i < local.parameters().size(); i++) {
                assertArrayEquals(local.parameters().get(i).values(), onCluster.parameters().get(i).values(),
                        local.parameters().get(i).name());
            }
            try (Stage s = DataParallelTraining.restored(recipe, onCluster)) {
                assertTrue(Double.isFinite(s.loss(train)), "the cluster's model reconstructs");
            }
        } finally {
            // workers first (each takes its executors down), then the master: always, whatever failed
            for (int i = cluster.size() - 1; i >= 0; i--) {
                JavaProcesses.stop(cluster.get(i));
            }
        }
    }

    /**
     * A Spark home for the Workers, which build each executor's command from {@code SPARK_HOME/jars}: links to the
     * jars of the tests' class path (Maven's Spark and its dependencies); the job's own classes reach the executors
     * through {@code spark.executor.extraClassPath}.
     */
    private Path sparkHome() throws IOException {
        Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p) && !Files.exists(jars.resolve(p.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(p.getFileName()), p.toAbsolutePath());
            }
        }
        return jars.getParent();
    }

    private Process start(Path home, String name, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(JavaProcesses.opens());
        cmd.add("-cp");
        cmd.add(home.resolve("jars") + File.separator + "*");
        cmd.add(main);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    /** Waits until the master's status page ({@code /json}) counts {@code n} alive workers. */
    private void awaitAliveWorkers(int ui, int n, List<Process> cluster) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        String last = "";
        while (!last.replaceAll("\\s", "").contains("\"aliveworkers\":" + n)) {
            for (Process p : cluster) {
                assertTrue(p.isAlive(), "a cluster JVM ended: " + logs());
            }
            assertTrue(System.nanoTime() < deadline, n + " workers not alive after 180 s; master says " + last
                    + logs());
            Thread.sleep(500);
            try (var in = new java.net.URL("http://127.0.0.1:" + ui + "/json/").openStream()) {
                last = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException notYet) {
                last = notYet.toString();
            }
        }
    }

    private String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("master", "worker-1", "worker-2")) {
            Path log = dir.resolve(name + ".log");
            b.append("\n--- ").append(name).append(":\n").append(Files.exists(log) ? Files.readString(log) : "");
        }
        return b.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
