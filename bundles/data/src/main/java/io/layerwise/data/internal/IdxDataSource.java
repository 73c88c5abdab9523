package io.layerwise.data.internal;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.DataSourceType;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;

/**
 * The {@code idx} data source: any IDX image set (Fashion-MNIST, EMNIST, a lab's own), unsigned bytes (read as
 * {@code v / 255}) or float32, with optional label files and per-column scaling fitted on the training rows.
 */
// configured by the PID that CsvDataSource designates (one designate per PID), and listed by layerwise:config there
@Component(service = DataSource.class, configurationPid = TableFilesConfig.PID)
@DataSourceType("idx")
public final class IdxDataSource implements DataSource {
    private final TableFilesDirectory base;
    private BundleContext context;

    public IdxDataSource() {
        this(Path.of("").toAbsolutePath());
    }

    /** For tests: no framework; relative file names start at {@code dir}. */
    IdxDataSource(Path dir) {
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

    /** The section's files; paths relative to {@code dir} (default: the working directory). */
    private record Options(Path trainImages, Path trainLabels, Path testImages, Path testLabels, String scale) {
        static Options read(Spec spec, Path cwd) {
            Path dir = CsvOptions.path(spec, "dir", cwd, ".");
            Path trainImages = CsvOptions.path(spec, "trainImages", dir, null);
            Path trainLabels = spec.has("trainLabels") ? CsvOptions.path(spec, "trainLabels", dir, null) : null;
            Path testImages = spec.has("testImages") ? CsvOptions.path(spec, "testImages", dir, null) : null;
            Path testLabels = spec.has("testLabels") ? CsvOptions.path(spec, "testLabels", dir, null) : null;
            if (testLabels != null && testImages == null) {
                throw new SpecException(spec.pathOf("testLabels"), "is given without data.testImages");
            }
            if (testImages != null && (trainLabels == null) != (testLabels == null)) {
                throw new SpecException(spec.pathOf(trainLabels == null ? "trainLabels" : "testLabels"), "is required"
                        + " when the other labels file is given (both or neither)");
            }
            String scale = spec.choice("scale", ColumnScaling.NONE, ColumnScaling.NONE, ColumnScaling.MIN_MAX,
                    ColumnScaling.STANDARDIZE);
            return new Options(trainImages, trainLabels, testImages, testLabels, scale);
        }
    }

    @Override
    public void validate(Spec spec) {
        Options.read(spec, base.get());
    }

    @Override
    public Dataset load(Spec spec) throws IOException {
        Options o = Options.read(spec, base.get());
        IdxArray train = IdxArray.read(o.trainImages());
        if (train.records() == 0) {
            throw new IOException(o.trainImages() + ": holds no records (record count 0 at offset 4)");
        }
        IdxArray test = o.testImages() == null ? null : IdxArray.read(o.testImages());
        if (test != null && !Arrays.equals(Arrays.copyOfRange(test.dims(), 1, test.dims().length),
                Arrays.copyOfRange(train.dims(), 1, train.dims().length))) {
            throw new IOException(o.testImages() + ": records are " + shape(test) + " but " + o.trainImages() + " holds "
                    + shape(train));
        }
        int[] trainY = labels(o.trainLabels(), train);
        int[] testY = test == null ? null : labels(o.testLabels(), test);
        FloatMatrix x = train.matrix();
        FloatMatrix xTest = test == null ? null : test.matrix();
        Dataset.Scaling scaling = ColumnScaling.fit(o.scale(), x);
        if (scaling != null) {
            x = scaling.apply(x);
            xTest = xTest == null ? null : scaling.apply(xTest);
        }
        String description = "IDX " + x.rows() + " train / " + (xTest == null ? 0 : xTest.rows()) + " test of "
                + shape(train) + (train.unsigned8() ? " bytes / 255" : " float32") + " from " + o.trainImages()
                + (o.testImages() == null ? "" : " and " + o.testImages().getFileName())
                + (scaling == null ? "" : ", " + scaling.kind() + " scaling from the training rows");
        return new Dataset(description, x, trainY, xTest, testY, ColumnScaling.range(x, xTest), null, null,
                train.sampleShape(), scaling);
    }

    private static int[] labels(Path file, IdxArray images) throws IOException {
        if (file == null) {
            return null;
        }
        int[] y = IdxArray.read(file).labels();
        if (y.length != images.records()) {
            throw new IOException(file + ": holds " + y.length + " labels but " + images.file() + " holds "
                    + images.records() + " records");
        }
        return y;
    }

    private static String shape(IdxArray a) {
        int[] d = a.dims();
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < d.length; i++) {
            sb.append(i > 1 ? "x" : "").append(d[i]);
        }
        return d.length == 1 ? "1 value" : sb.toString();
    }

    @Override
    public String describe() {
        return "IDX files of bytes or float32: data.trainImages (and trainLabels, testImages, testLabels), scale;"
                + " relative paths from data.dir or " + base.get();
    }
}
