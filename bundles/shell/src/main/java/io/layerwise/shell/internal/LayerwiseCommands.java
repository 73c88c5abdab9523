package io.layerwise.shell.internal;

import io.layerwise.api.backend.Backend;
import io.layerwise.api.backend.BlasCheck;
import io.layerwise.api.data.DataSource;
import io.layerwise.api.pipeline.Encoding;
import io.layerwise.api.pipeline.Evaluation;
import io.layerwise.api.pipeline.Job;
import io.layerwise.api.pipeline.JobStatus;
import io.layerwise.api.pipeline.PipelineException;
import io.layerwise.api.pipeline.PipelineRunner;
import io.layerwise.api.pipeline.RunOptions;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.report.RunReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** Gogo commands in scope {@code layerwise}; {@code help layerwise:run} documents each. */
@Component(service = LayerwiseCommands.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = {
    "osgi.command.scope=layerwise",
    "osgi.command.function=run",
    "osgi.command.function=resume",
    "osgi.command.function=jobs",
    "osgi.command.function=status",
    "osgi.command.function=cancel",
    "osgi.command.function=types",
    "osgi.command.function=regularizers",
    "osgi.command.function=datasets",
    "osgi.command.function=backend",
    "osgi.command.function=eval",
    "osgi.command.function=encode",
    "osgi.command.function=reconstruct",
    "osgi.command.function=show"
})
public final class LayerwiseCommands {
    /**
     * Framework property set by the launcher when its output is a terminal: {@code layerwise:run} then redraws the
     * running epoch's line in place; otherwise it prints one plain line per epoch.
     */
    static final String TTY = "layerwise.tty";
    /** The {@code --header} flag of encode and reconstruct. */
    private static final String HEADER = "the CSV input's first line is a header: skip it (without this flag every line"
            + " is data, and a first line that is not all numbers is an error)";
    private static final String INPUT = "input: IDX images (gzipped or not) or CSV (comma-separated finite numbers, one"
            + " row per line; a UTF-8 byte-order mark is removed)";

    @Reference
    PipelineRunner runner;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Backend backend;

    private BundleContext context;

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    @Descriptor("run a pipeline; prints a line per epoch and fails with the reason if the run fails")
    public String run(
            @Descriptor("run directory (default <runsDir>/<name>-<yyyyMMdd-HHmmss>; runsDir: runs, io.layerwise.engine)")
            @Parameter(names = {"-o", "--out"}, absentValue = PathFlag.ABSENT) String out,
            @Descriptor("epochs for every trainable stage, overriding the pipeline (0 keeps it)")
            @Parameter(names = {"-e", "--epochs"}, absentValue = "0") int epochs,
            @Descriptor("data directory for the data source (default: LAYERWISE_DATA or data/mnist)")
            @Parameter(names = {"-d", "--data"}, absentValue = PathFlag.ABSENT) String data,
            @Descriptor("return the job id at once instead of waiting")
            @Parameter(names = {"-a", "--async"}, presentValue = "true", absentValue = "false") boolean async,
            @Descriptor("train the stages data-parallel on Spark with this master (local[N], spark://host:7077),"
                    + " whatever the pipeline's execution section says (docs/spark.md)")
            @Parameter(names = {"--spark"}, absentValue = "") String spark,
            @Descriptor("pipeline JSON file") String file) throws Exception {
        if (epochs < 0) {
            throw new IllegalArgumentException("--epochs must be >= 0, got " + epochs);
        }
        RunOptions options = new RunOptions(PathFlag.parse("--out", out), epochs, PathFlag.parse("--data", data),
                spark.isBlank() ? null : spark.trim());
        ProgressPrinter printer = new ProgressPrinter(!async && "true".equals(context.getProperty(TTY)));
        Job job;
        try {
            job = runner.submit(Path.of(file), options, async ? null : printer);
        } catch (PipelineException e) {
            throw new PipelineException(e.getMessage()); // the message says it all; no trace for the user
        }
        return follow(job, printer, async);
    }

    @Descriptor("go on with an interrupted run (killed, cancelled or failed) from its newest checkpoint")
    public String resume(
            @Descriptor("return the job id at once instead of waiting")
            @Parameter(names = {"-a", "--async"}, presentValue = "true", absentValue = "false") boolean async,
            @Descriptor("run directory") String runDir) throws Exception {
        ProgressPrinter printer = new ProgressPrinter(!async && "true".equals(context.getProperty(TTY)));
        Job job;
        try {
            job = runner.resume(Path.of(runDir), async ? null : printer);
        } catch (PipelineException e) {
            throw new PipelineException(e.getMessage());
        }
        return follow(job, printer, async);
    }

    /** Prints a job's progress until it ends (or returns its id at once with {@code async}); fails if it did. */
    private String follow(Job job, ProgressPrinter printer, boolean async) throws InterruptedException {
        PrintStream console = System.out;
        if (async) {
            return "job " + job.id() + " started: " + job.status().runDir();
        }
        // The job's end wakes the printing loop at once (a poll of the job's status made every run 0-200 ms longer).
        Thread ending = new Thread(() -> {
            try {
                job.await();
            } catch (InterruptedException e) {
                // the framework is stopping; the loop below is interrupted too
            } finally {
                printer.ended();
            }
        }, "layerwise-follow-" + job.id());
        ending.setDaemon(true);
        ending.start();
        for (String line = printer.next(); line != null; line = printer.next()) {
            console.print(line);
            console.flush();
        }
        JobStatus end = job.await();
        if (end.state() != JobStatus.State.DONE) {
            throw new IllegalStateException("run " + end.state().name().toLowerCase(Locale.ROOT) + ": " + end.message()
                    + " (run directory " + end.runDir() + ")");
        }
        return "run finished: " + end.runDir();
    }

    @Descriptor("list the jobs of this framework session")
    public void jobs() {
        Table t = new Table("ID", "State", "Pipeline", "Stage", "Epoch", "Loss", "Run directory").rightAlign(0);
        for (JobStatus s : runner.jobs()) {
            t.row(s.id(), s.state(), s.pipeline(), stage(s), s.epochs() == 0 ? "" : s.epoch() + "/" + s.epochs(),
                    Double.isNaN(s.lastLoss()) ? "" : String.format(Locale.ROOT, "%.4f", s.lastLoss()), s.runDir());
        }
        t.print(System.out);
    }

    @Descriptor("show one job's state and, while it trains, its epoch's progress line")
    public String status(@Descriptor("job id (see layerwise:jobs)") String id) {
        JobStatus s = runner.job(id).orElseThrow(() -> new IllegalArgumentException("no job " + id + "; see layerwise:jobs"))
                .status();
        return "job " + s.id() + " " + s.state() + " pipeline " + s.pipeline() + ", stage " + stage(s)
                + (s.epochs() > 0 ? ", epoch " + s.epoch() + "/" + s.epochs() : "")
                + (Double.isNaN(s.lastLoss()) ? "" : String.format(Locale.ROOT, ", loss %.4f", s.lastLoss()))
                + (!s.finished() && s.epoch() > 0 && s.total() > 0 ? "\n" + ProgressLine.running(s.epoch(), s.epochs(),
                        s.done(), s.total(), s.etaSeconds(), s.meanLoss(), s.valLoss()) : "")
                + "\nrun directory " + s.runDir() + (s.message() == null ? "" : "\n" + s.message());
    }

    @Descriptor("stop a job after its current minibatch")
    public String cancel(@Descriptor("job id (see layerwise:jobs)") String id) {
        Job job = runner.job(id).orElseThrow(() -> new IllegalArgumentException("no job " + id + "; see layerwise:jobs"));
        job.cancel();
        return "cancelling job " + id;
    }

    @Descriptor("reload a run directory's models and recompute its test metrics; compares them with history.json")
    public void eval(
            @Descriptor("data directory (default: the one the run used)")
            @Parameter(names = {"-d", "--data"}, absentValue = PathFlag.ABSENT) String data,
            @Descriptor("run directory") String runDir) throws PipelineException {
        Evaluation e = runner.evaluate(Path.of(runDir), PathFlag.parse("--data", data));
        Table t = new Table("Where", "Metric", "Recomputed", "history.json", "Match").rightAlign(2).rightAlign(3);
        for (Evaluation.Entry entry : e.entries()) {
            t.row(entry.where(), entry.metric(), String.format(Locale.ROOT, "%.6f", entry.recomputed()),
                    Double.isNaN(entry.recorded()) ? "-" : String.format(Locale.ROOT, "%.6f", entry.recorded()),
                    entry.matches() ? "yes" : "NO");
        }
        t.print(System.out);
        System.out.println(e.mismatches() == 0 ? "all " + e.entries().size() + " metrics match history.json"
                : e.mismatches() + " of " + e.entries().size() + " metrics differ from history.json"
                        + " (sampled metrics such as pseudoLogLikelihood are drawn afresh)");
    }

    @Descriptor("encode IDX images or CSV rows through a saved stack; writes CSV and says how it read the input")
    public String encode(
            @Descriptor("the stage whose code to write (default: the top one)")
            @Parameter(names = {"-l", "--layer"}, absentValue = "0") int layer,
            @Descriptor(HEADER)
            @Parameter(names = {"-H", "--header"}, presentValue = "true", absentValue = "false") boolean header,
            @Descriptor("run directory") String runDir,
            @Descriptor(INPUT) String input,
            @Descriptor("output CSV file") String output) throws PipelineException {
        Encoding e = runner.encode(Path.of(runDir), Path.of(input), Path.of(output), layer, false, header);
        return "read " + e.input() + "\nwrote " + e.rows() + " codes of " + e.cols() + " values (stage " + e.layer()
                + ") to " + e.output();
    }

    @Descriptor("reconstruct IDX images or CSV rows with a saved stage's decoder; writes CSV and says how it read the input")
    public String reconstruct(
            @Descriptor("the stage that reconstructs its own input (default 1: pixels)")
            @Parameter(names = {"-l", "--layer"}, absentValue = "1") int layer,
            @Descriptor(HEADER)
            @Parameter(names = {"-H", "--header"}, presentValue = "true", absentValue = "false") boolean header,
            @Descriptor("run directory") String runDir,
            @Descriptor(INPUT) String input,
            @Descriptor("output CSV file") String output) throws PipelineException {
        Encoding e = runner.encode(Path.of(runDir), Path.of(input), Path.of(output), layer, true, header);
        return "read " + e.input() + "\nwrote " + e.rows() + " reconstructions of " + e.cols() + " values (stage "
                + e.layer() + ") to " + e.output();
    }


    @Descriptor("summarise a run directory: stages, epochs, final loss and metrics, pictures; (re)writes its report.html")
    public String show(@Descriptor("run directory") String runDir) throws IOException {
        String cwd = context.getProperty("layerwise.cwd");
        Path dir = (cwd == null ? Path.of(runDir) : Path.of(cwd).resolve(runDir)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("history.json"))) {
            throw new IllegalArgumentException(dir + " is not a run directory (no history.json)");
        }
        Path report = dir.resolve(RunReport.REPORT);
        // a report older than the history (a run from before pictures, or one still running) is drawn afresh
        if (!Files.exists(report) || Files.getLastModifiedTime(report)
                .compareTo(Files.getLastModifiedTime(dir.resolve("history.json"))) < 0) {
            RunReport.write(dir, null);
        }
        return RunReport.summary(dir);
    }

    @Descriptor("list the installed stage types with their bundles")
    public void types() throws InvalidSyntaxException {
        listServices(StageProvider.class, StageProvider.TYPE, StageProvider.TYPE, "Type", StageProvider::describe);
    }

    @Descriptor("list the installed regularizers with their bundles")
    public void regularizers() throws InvalidSyntaxException {
        listServices(Regularizer.class, Regularizer.TYPE, Regularizer.NAME, "Name", Regularizer::describe);
    }

    @Descriptor("list the installed data sources with their bundles")
    public void datasets() throws InvalidSyntaxException {
        listServices(DataSource.class, DataSource.TYPE, DataSource.NAME, "Source", DataSource::describe);
    }

    @Descriptor("show the ND4J backend: flavour, why it was chosen, threads, OPENBLAS_CORETYPE, the BLAS self-test and kernel fallback, how small products run, the JIT compilers, and a GEMM self-test")
    public String backend(
            @Descriptor("seconds for the GEMM self-test (0 skips it)")
            @Parameter(names = {"-s", "--seconds"}, absentValue = "1") double seconds) {
        Backend b = backend;
        if (b == null) {
            throw new IllegalStateException("no Backend service: is the io.layerwise.backend bundle active? (try: lb)");
        }
        StringBuilder sb = new StringBuilder();
        sb.append("flavour           ").append(b.flavour()).append('\n');
        sb.append("chosen because    ").append(b.reason()).append('\n');
        sb.append("OpenMP threads    ").append(b.ompThreads());
        String ompEnv = System.getenv("OMP_NUM_THREADS"); // the count other threads' OpenMP regions start on
        if (ompEnv != null) {
            sb.append(" (OMP_NUM_THREADS=").append(ompEnv).append(" for every other thread)");
        }
        sb.append('\n');
        sb.append("BLAS threads      ").append(b.blasThreads()).append('\n');
        sb.append("OPENBLAS_CORETYPE ").append(b.openblasCoretype()).append('\n');
        BlasCheck check = b.blasCheck();
        sb.append("BLAS self-test    ").append(check.summary()).append('\n');
        if (!check.fallback().isEmpty()) {
            sb.append("kernels refused   ").append(check.fallback()).append('\n');
        }
        // published by the backend after the self-test above (SmallProducts), read by core's BlasThreads
        String below = System.getProperty("layerwise.blas.oneThreadBelow");
        if (below != null) {
            sb.append("one BLAS thread   below ").append(below).append(" multiply-adds a product (")
                    .append(System.getProperty("layerwise.blas.oneThreadBelow.source", "?")).append(")\n");
        }
        // published with the threshold (ProductBlocks), read by core's BlasThreads: 0 or "false", one call
        String blocks = System.getProperty("layerwise.blas.blocks");
        if (blocks != null) {
            boolean none = blocks.equals("0") || blocks.equalsIgnoreCase("false");
            sb.append("column blocks     ").append(none ? "none, one call a product"
                    : "of " + blocks + " columns where each stays under OpenBLAS's small-matrix limit").append(" (")
                    .append(System.getProperty("layerwise.blas.blocks.source", "?")).append(")\n");
        }
        if (b.blasThreads() == 2) { // core's BlasThreads reads the same switch
            sb.append("larger products   ").append("false".equals(System.getProperty("layerwise.blas.split"))
                    ? "on OpenBLAS's two threads (-Dlayerwise.blas.split=false)"
                    : "from 524288 multiply-adds in two halves, one on Layerwise's second-core worker, OpenBLAS on"
                            + " one thread").append('\n');
        }
        sb.append("JIT compilers     ")
                .append(JitMode.describe(JitMode.commandLine()));
        if (seconds > 0) {
            sb.append('\n').append(String.format(Locale.ROOT, "GEMM self-test    %.1f GFLOP/s (float32, 1024^3, %.1f s)",
                    b.gemmSelfTest(1024, seconds), seconds));
        }
        return sb.toString();
    }

    /** {@code legacy}: the key registrations used before the property types, read where {@code property} is absent. */
    private <S> void listServices(Class<S> type, String property, String legacy, String nameHeader,
            Function<S, String> describe) throws InvalidSyntaxException {
        Function<ServiceReference<S>, Object> name =
                r -> r.getProperty(property) != null ? r.getProperty(property) : r.getProperty(legacy);
        List<ServiceReference<S>> refs = new ArrayList<>(context.getServiceReferences(type, null));
        refs.sort(Comparator.comparing(r -> String.valueOf(name.apply(r))));
        Table t = new Table(nameHeader, "Bundle", "Version", "Description");
        for (ServiceReference<S> ref : refs) {
            S service = context.getService(ref);
            try {
                t.row(name.apply(ref), ref.getBundle().getSymbolicName(), ref.getBundle().getVersion(),
                        service == null ? "(unavailable)" : describe.apply(service));
            } finally {
                if (service != null) {
                    context.ungetService(ref);
                }
            }
        }
        t.print(System.out);
    }

    private static String stage(JobStatus s) {
        return s.stage() < 0 ? "" : (s.stage() + 1) + "/" + s.stageCount() + " " + s.stageType();
    }
}
