package io.layerwise.shell.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.layerwise.api.backend.Backend;
import io.layerwise.api.pipeline.Job;
import io.layerwise.api.pipeline.JobStatus;
import io.layerwise.api.pipeline.PipelineRunner;
import io.layerwise.api.pipeline.RunOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code layerwise:bench}: times a reference workload through the engine and the installed model bundles, the
 * same path as {@code layerwise:run}, and prints a table and a last line {@code RESULT {json}}. Epoch times are
 * the engine's (minibatch loop only; evaluation and saving excluded); the first epoch of each repeat is warm-up.
 */
@Component(service = BenchCommand.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = {
    "osgi.command.scope=layerwise",
    "osgi.command.function=bench"
})
public final class BenchCommand {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();
    private static final double GEMM_SECONDS = 0.7;
    private static final String ALL = "all";
    /** What {@code bench all} runs: the README's benchmark table, one row each. */
    private static final List<Map.Entry<BenchWorkload, Integer>> EVERY = List.of(
            Map.entry(BenchWorkload.DAE, 20), Map.entry(BenchWorkload.DAE, 128),
            Map.entry(BenchWorkload.RBM, 20), Map.entry(BenchWorkload.RBM, 128),
            Map.entry(BenchWorkload.VAE, 128), Map.entry(BenchWorkload.CONVAE, 128), Map.entry(BenchWorkload.ZCA, 0));

    @Reference
    PipelineRunner runner;

    @Reference
    Backend backend;

    @Descriptor("time a reference workload (../shared/bench/README.md) inside this runtime; last line: RESULT {json}")
    public void bench(
            @Descriptor("minibatch size (dae, rbm, vae, convae; also the batch shapes of gemm)")
            @Parameter(names = {"-b", "--batch"}, absentValue = "128") int batch,
            @Descriptor("epochs per repeat; the first of each repeat is warm-up and not counted")
            @Parameter(names = {"-e", "--epochs"}, absentValue = "5") int epochs,
            @Descriptor("repeats of the whole workload (default 1; zca: 5, the first not counted)")
            @Parameter(names = {"-r", "--repeat"}, absentValue = "0") int repeat,
            @Descriptor("data directory (default: LAYERWISE_DATA or data/mnist)")
            @Parameter(names = {"-d", "--data"}, absentValue = PathFlag.ABSENT) String data,
            @Descriptor("workload: dae, rbm, vae, convae, zca, gemm, or all (every training workload, one table)")
            String workload) throws Exception {
        boolean all = ALL.equals(workload);
        BenchWorkload w = all ? null : BenchWorkload.parse(workload);
        PathFlag.parse("--data", data); // an empty --data is refused before any work
        if (batch < 1 || epochs < 2 || repeat < 0) {
            throw new IllegalArgumentException("need --batch >= 1, --epochs >= 2 (the first is warm-up), --repeat >= 0;"
                    + " got " + batch + ", " + epochs + ", " + repeat);
        }
        PrintStream out = System.out;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", workload);
        if (all) {
            result.put("workloads", everyWorkload(epochs, repeat, data, out));
        } else if (w == BenchWorkload.GEMM) {
            result.put("batch", batch);
            result.put("gflops", gemm(batch, out));
        } else {
            result.put("batch", batch);
            timeWorkload(w, batch, epochs, repeats(w, repeat), data, out, result);
        }
        result.put("backend", backend.flavour());
        result.put("threads", Map.of("omp", backend.ompThreads(), "blas", backend.blasThreads()));
        result.put("openblasCoretype", backend.openblasCoretype());
        result.put("peakRssMiB", peakRssMiB());
        out.println("RESULT " + GSON.toJson(result));
    }

    private static int repeats(BenchWorkload w, int asked) {
        return asked == 0 ? (w.minibatched ? 1 : 5) : asked;
    }

    /** Every workload of {@link #EVERY}, each with its own table as it finishes, then one summary table. */
    private List<Map<String, Object>> everyWorkload(int epochs, int repeat, String data, PrintStream out)
            throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        Table summary = new Table("Workload", "Batch", "s/epoch median", "GFLOP/s", "of GEMM peak").rightAlign(1)
                .rightAlign(2).rightAlign(3).rightAlign(4);
        for (Map.Entry<BenchWorkload, Integer> e : EVERY) {
            BenchWorkload w = e.getKey();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workload", w.word);
            row.put("batch", w.minibatched ? e.getValue() : null);
            timeWorkload(w, w.minibatched ? e.getValue() : 1, epochs, repeats(w, repeat), data, out, row);
            rows.add(row);
            @SuppressWarnings("unchecked")
            double median = ((Map<String, Double>) row.get("secondsPerEpoch")).get("median");
            summary.row(w.word, w.minibatched ? e.getValue() : "-", f3(median),
                    String.format(Locale.ROOT, "%.1f", (Double) row.get("gflops")),
                    String.format(Locale.ROOT, "%.0f%%", 100 * (Double) row.get("peakFraction")));
        }
        out.println();
        summary.print(out);
        return rows;
    }

    private void timeWorkload(BenchWorkload w, int batch, int epochs, int repeats, String data, PrintStream out,
            Map<String, Object> result) throws Exception {
        Path work = Files.createTempDirectory("layerwise-bench-");
        try {
            Path pipeline = work.resolve("bench-" + w.word + ".json");
            Files.writeString(pipeline, w.pipelineJson(batch, epochs));
            List<Double> counted = new ArrayList<>();
            List<Double> warmUp = new ArrayList<>();
            JsonObject lastStage = null;
            for (int r = 1; r <= repeats; r++) {
                Path runDir = work.resolve("run-" + r);
                Job job = runner.submit(pipeline, new RunOptions(runDir, 0, PathFlag.parse("--data", data)), null);
                JobStatus end = job.await();
                if (end.state() != JobStatus.State.DONE) {
                    throw new IllegalStateException("bench " + w.word + ": run " + r + " " + end.state() + ": " + end.message());
                }
                lastStage = JsonParser.parseString(Files.readString(runDir.resolve("history.json"))).getAsJsonObject()
                        .getAsJsonArray("stages").get(0).getAsJsonObject();
                JsonArray eps = lastStage.getAsJsonArray("epochs");
                for (int i = 0; i < eps.size(); i++) {
                    double s = eps.get(i).getAsJsonObject().get("seconds").getAsDouble();
                    // minibatched: epoch 1 of each repeat warms up; fitted: the first repeat does
                    boolean first = w.minibatched ? i == 0 : r == 1 && repeats > 1;
                    (first ? warmUp : counted).add(s);
                }
            }
            JsonObject last = lastStage.getAsJsonArray("epochs").get(lastStage.getAsJsonArray("epochs").size() - 1)
                    .getAsJsonObject();
            int samples = lastStage.get("trainSamples").getAsInt();
            int inputs = lastStage.get("inputSize").getAsInt();
            Stats s = Stats.of(counted);
            double gflops = w.flops(samples, inputs) / s.median() / 1e9;
            double peak = w.minibatched ? batchGemmPeak(batch, inputs, w.hidden()) : backend.gemmGflops(inputs, samples, inputs, GEMM_SECONDS);
            Map<String, Object> seconds = new LinkedHashMap<>();
            seconds.put("median", s.median());
            seconds.put("min", s.min());
            seconds.put("max", s.max());
            seconds.put("count", s.count());
            result.put("samples", samples);
            result.put("epochs", w.minibatched ? epochs : 1);
            result.put("repeat", repeats);
            result.put("secondsPerEpoch", seconds);
            result.put("warmUpSeconds", warmUp);
            result.put("samplesPerSecond", samples / s.median());
            result.put("gflops", gflops);
            result.put("gemmPeakGflops", peak);
            result.put("peakFraction", gflops / peak);
            result.put("loss", last.has("loss") ? last.get("loss").getAsDouble() : null);
            Map<String, Object> metrics = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : last.getAsJsonObject("metrics").entrySet()) {
                metrics.put(e.getKey(), e.getValue().getAsDouble());
            }
            result.put("metrics", metrics);

            Table t = new Table("Workload", "Batch", "Samples", "s/epoch median", "min", "max", "samples/s", "GFLOP/s",
                    "of GEMM peak", "loss").rightAlign(1).rightAlign(2).rightAlign(3).rightAlign(4).rightAlign(5)
                    .rightAlign(6).rightAlign(7).rightAlign(8).rightAlign(9);
            t.row(w.word, w.minibatched ? batch : "-", samples, f3(s.median()), f3(s.min()), f3(s.max()),
                    String.format(Locale.ROOT, "%.0f", samples / s.median()), String.format(Locale.ROOT, "%.1f", gflops),
                    String.format(Locale.ROOT, "%.0f%% of %.1f", 100 * gflops / peak, peak),
                    last.has("loss") ? String.format(Locale.ROOT, "%.4f", last.get("loss").getAsDouble()) : "-");
            t.print(out);
            out.println("metrics after the last epoch: " + metrics + "; " + s.count() + " timed, warm-up " + warmUp);
        } finally {
            deleteTree(work);
        }
    }

    /** The best rate of the three GEMM shapes of a W1/W2/W6 step: forward, weight gradient, backward to the input. */
    private double batchGemmPeak(int batch, int inputs, int h) {
        return Math.max(backend.gemmGflops(batch, inputs, h, GEMM_SECONDS),
                Math.max(backend.gemmGflops(inputs, batch, h, GEMM_SECONDS), backend.gemmGflops(batch, h, inputs, GEMM_SECONDS)));
    }

    private Map<String, Double> gemm(int batch, PrintStream out) {
        int[][] shapes = {{1024, 1024, 1024}, {8000, 784, 500}, {batch, 784, 500}, {784, batch, 500}, {batch, 500, 784}};
        Map<String, Double> rates = new LinkedHashMap<>();
        Table t = new Table("M x K x N", "GFLOP/s").rightAlign(1);
        for (int[] s : shapes) {
            double g = backend.gemmGflops(s[0], s[1], s[2], GEMM_SECONDS);
            String key = s[0] + "x" + s[1] + "x" + s[2];
            rates.put(key, g);
            t.row(key, String.format(Locale.ROOT, "%.1f", g));
        }
        t.print(out);
        return rates;
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** VmHWM of this process in MiB, or -1 where /proc is not there. */
    static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
