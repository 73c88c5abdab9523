package io.layerwise.data.internal;

import io.layerwise.api.config.Configured;
import io.layerwise.api.config.Settings;
import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.DataSourceType;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code csv} data source: a lab's own table, one sample per line, with an optional label column (classes by
 * number or name, or a continuous value), an optional held-out file or seeded held-out share, per-column scaling
 * fitted on the training rows, and an optional image shape.
 */
@Designate(ocd = TableFilesConfig.class)
@Component(service = {DataSource.class, Configured.class}, configurationPid = TableFilesConfig.PID)
@DataSourceType("csv")
public final class CsvDataSource implements DataSource, Configured {
    private final TableFilesDirectory base;
    private BundleContext context;

    public CsvDataSource() {
        this(Path.of("").toAbsolutePath());
    }

    /** For tests: no framework; relative file names start at {@code dir}. */
    CsvDataSource(Path dir) {
        base = new TableFilesDirectory(dir);
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        base.update(context, properties);
    }

    @Override
    public Settings settings() {
        return base.settings();
    }

    @Override
    public void validate(Spec spec) {
        CsvOptions.read(spec, base.get());
    }

    @Override
    public Dataset load(Spec spec) throws IOException {
        CsvOptions o = CsvOptions.read(spec, base.get());
        long started = System.nanoTime();
        CsvReader.Table train = CsvReader.read(o.train(), o.delimiter(), o.header(), o.label());
        CsvReader.Table test = o.test() == null ? null : CsvReader.read(o.test(), o.delimiter(), o.header(), o.label());
        double seconds = (System.nanoTime() - started) / 1e9;
        if (test != null && test.cols() != train.cols()) {
            throw new IOException(o.test() + ": rows have " + test.cols() + " feature columns, " + o.train() + " has "
                    + train.cols());
        }
        FloatMatrix x = new FloatMatrix(train.rows(), train.cols(), train.values());
        FloatMatrix xTest = test == null ? null : new FloatMatrix(test.rows(), test.cols(), test.values());
        String[] labels = train.labels();
        String[] testLabels = test == null ? null : test.labels();
        int[] testLines = test == null ? null : test.lines();
        Path testFile = o.test();
        if (o.testFraction() > 0) {
            int held = (int) Math.round(o.testFraction() * x.rows());
            if (held < 1 || held >= x.rows()) {
                throw new SpecException(spec.pathOf("testFraction"), o.testFraction() + " of " + x.rows() + " rows holds out "
                        + held + "; at least one row must be held out and one kept");
            }
            int[][] parts = SeededSplit.split(x.rows(), held, o.seed());
            xTest = x.select(parts[1]);
            x = x.select(parts[0]);
            testLabels = labels == null ? null : pick(labels, parts[1]);
            labels = labels == null ? null : pick(labels, parts[0]);
            testLines = pick(train.lines(), parts[1]);
            testFile = o.train();
        }
        LabelCells cells = null;
        if (labels != null) {
            String name = train.header() != null ? train.header().get(train.labelColumn()) : "label";
            Path f = testFile;
            int[] lines = testLines;
            cells = LabelCells.of(name, labels, testLabels, i -> f + ": line " + lines[i]);
        }
        int[] shape = o.shape();
        if (shape != null && (long) shape[0] * shape[1] * shape[2] != x.cols()) {
            throw new SpecException(spec.pathOf("shape"), Arrays.toString(shape) + " holds " + (long) shape[0] * shape[1]
                    * shape[2] + " values, but the rows of " + o.train() + " have " + x.cols() + " feature columns");
        }
        Dataset.Scaling scaling = ColumnScaling.fit(o.scale(), x);
        if (scaling != null) {
            x = scaling.apply(x);
            xTest = xTest == null ? null : scaling.apply(xTest);
        }
        long bytes = Files.size(o.train()) + (o.test() == null ? 0 : Files.size(o.test()));
        String description = String.format(Locale.ROOT, "CSV %d train / %d test x %d columns from %s%s%s%s (read %.1f MB"
                + " at %.0f MB/s)", x.rows(), xTest == null ? 0 : xTest.rows(), x.cols(), o.train(),
                o.test() != null ? " and " + o.test().getFileName() : o.testFraction() > 0 ? ", held out "
                        + o.testFraction() + " (seed " + o.seed() + ")" : "",
                cells == null ? "" : cells.targets() != null ? ", continuous label \"" + cells.targets().name() + "\""
                        : ", " + classCount(cells) + " classes",
                scaling == null ? "" : ", " + scaling.kind() + " scaling from the training rows",
                bytes / 1e6, bytes / 1e6 / Math.max(seconds, 1e-9));
        return new Dataset(description, x, cells == null ? null : cells.trainClasses(), xTest,
                cells == null ? null : cells.testClasses(), ColumnScaling.range(x, xTest),
                cells == null ? null : cells.targets(), cells == null ? null : cells.names(), shape, scaling);
    }

    private static int classCount(LabelCells cells) {
        return cells.names() != null ? cells.names().size() : Arrays.stream(cells.trainClasses()).max().orElse(-1) + 1;
    }

    private static String[] pick(String[] a, int[] rows) {
        String[] out = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = a[rows[i]];
        }
        return out;
    }

    private static int[] pick(int[] a, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = a[rows[i]];
        }
        return out;
    }

    @Override
    public String describe() {
        return "CSV files: data.train (and data.test or data.testFraction), delimiter, header, label, scale"
                + " (none, min-max, standardize), shape; relative paths from data.dir or " + base.get();
    }
}
