package io.layerwise.config.internal;

import io.layerwise.api.config.TypedConfig;
import java.io.File;
import java.io.IOException;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * File Install's handler of {@code PID.cfg.json} in the folders it watches: a new or changed file updates the PID's
 * configuration (only when a setting changed), a deleted one deletes it. A file that is no JSON object of settings
 * changes nothing: one line names it and says why. The configuration records its file under
 * {@link TypedConfig#FILE}, as File Install does for {@code .cfg}, so that {@code layerwise:config} can name it.
 */
@Component(service = ArtifactInstaller.class, configurationPolicy = ConfigurationPolicy.IGNORE)
public final class JsonConfigInstaller implements ArtifactInstaller {

    @Reference
    ConfigurationAdmin configurationAdmin;

    Consumer<String> out = line -> System.err.println("layerwise: " + line);

    @Override
    public boolean canHandle(File file) {
        String name = file.getName();
        return name.endsWith(JsonConfigFile.SUFFIX) && name.length() > JsonConfigFile.SUFFIX.length();
    }

    @Override
    public void install(File file) throws IOException {
        apply(file);
    }

    @Override
    public void update(File file) throws IOException {
        apply(file);
    }

    @Override
    public void uninstall(File file) throws IOException {
        Configuration c = ours(file);
        if (c != null) {
            c.delete();
        }
    }

    private void apply(File file) throws IOException {
        Map<String, Object> settings;
        try {
            settings = JsonConfigFile.read(file.toPath());
        } catch (IOException e) {
            out.accept(e.getMessage() + "; the settings in force stay");
            return;
        }
        Hashtable<String, Object> dictionary = new Hashtable<>(settings);
        dictionary.put(TypedConfig.FILE, file.toURI().toString());
        configurationAdmin.getConfiguration(JsonConfigFile.pid(file.toPath()), "?").updateIfDifferent(dictionary);
    }

    /** The configuration this file made, if it still has one. */
    private Configuration ours(File file) throws IOException {
        String filter = "(&(" + Constants.SERVICE_PID + "=" + escape(JsonConfigFile.pid(file.toPath())) + ")("
                + TypedConfig.FILE + "=" + escape(file.toURI().toString()) + "))";
        try {
            Configuration[] found = configurationAdmin.listConfigurations(filter);
            return found == null || found.length == 0 ? null : found[0];
        } catch (InvalidSyntaxException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }
}
