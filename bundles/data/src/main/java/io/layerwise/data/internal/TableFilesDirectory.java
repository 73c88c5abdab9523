package io.layerwise.data.internal;

import io.layerwise.api.config.Settings;
import io.layerwise.api.config.TypedConfig;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.framework.BundleContext;

/**
 * Where the {@code csv} and {@code idx} sources resolve relative file names: the {@code dir} of PID
 * {@value TableFilesConfig#PID} against the user's working directory ({@code layerwise.cwd}).
 */
final class TableFilesDirectory {
    private final TypedConfig<TableFilesConfig> config = TypedConfig.of(TableFilesConfig.PID, TableFilesConfig.class,
            line -> System.err.println("layerwise: " + line));
    private volatile Path dir;

    TableFilesDirectory(Path dir) {
        this.dir = dir;
    }

    /** Reads a new configuration; a bad value is reported and the previous one stays. */
    void update(BundleContext context, Map<String, Object> properties) {
        TableFilesConfig c = config.update(properties, context::getProperty);
        String w = context.getProperty(MnistDataSource.CWD);
        Path working = w == null || w.isBlank() ? Path.of("").toAbsolutePath() : Path.of(w);
        dir = working.resolve(c.dir()).normalize();
    }

    Path get() {
        return dir;
    }

    Settings settings() {
        return config.settings();
    }
}
