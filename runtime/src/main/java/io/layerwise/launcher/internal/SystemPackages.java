package io.layerwise.launcher.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The JDK packages the system bundle exports ({@code org.osgi.framework.system.packages}), kept from one start for
 * the next. Felix works them out at every start by substituting its list of every boot module's packages into its
 * default value, which rebuilds a long string once per variable: a third of the framework's init on the 2-core
 * machines (docs/performance.md, "Start: the system packages kept between starts"). Given a value without variables,
 * Felix takes it as it is. The value depends on the JVM, the modules it booted and the framework jar, so those are
 * the key; a file with another key, or none, is not used, and the next start writes it afresh.
 */
public final class SystemPackages {

    static final String FILE = "system-packages.properties";
    private static final String KEY = "key";
    private static final String VALUE = "value";

    private final Path file;
    private final String key;

    SystemPackages(Path file, String key) {
        this.file = file;
        this.key = key;
    }

    /** The cache in {@code dir} (the distribution's {@code cds/}, which each build recreates) for this JVM. */
    public static SystemPackages in(Path dir, Class<?> frameworkClass) {
        return new SystemPackages(dir.resolve(FILE), key(frameworkClass));
    }

    /** The value a start with this key stored, if any. */
    public Optional<String> value() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // unreadable: Felix works the value out, and this start stores it again
        }
        String value = p.getProperty(VALUE);
        return key.equals(p.getProperty(KEY)) && value != null && !value.isBlank() && !value.contains("${")
                ? Optional.of(value) : Optional.empty();
    }

    /**
     * Stores {@code value} (what Felix worked out) under this key, whole or not at all: written beside the file and
     * moved over it. A distribution that cannot be written to only loses the shortcut.
     */
    public void store(String value) {
        if (value == null || value.isBlank() || value.contains("${")) {
            return;
        }
        Properties p = new Properties();
        p.setProperty(KEY, key);
        p.setProperty(VALUE, value);
        try {
            CacheFiles.replace(file, out -> {
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                p.store(writer, "JDK packages the OSGi system bundle exports, worked out by Felix; see SystemPackages");
                writer.flush();
            });
        } catch (IOException e) {
            // a distribution that cannot be written to: Felix works the value out again next time
        }
    }

    /** What the value depends on: the JVM, the modules it booted (--add-modules changes them), the framework jar. */
    static String key(Class<?> frameworkClass) {
        String modules = ModuleLayer.boot().modules().stream().map(Module::getName).sorted()
                .collect(Collectors.joining(","));
        return String.join("|", System.getProperty("java.home"), System.getProperty("java.vm.version"),
                jarStamp(frameworkClass), modules);
    }

    private static String jarStamp(Class<?> c) {
        try {
            Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar + "@" + Files.size(jar) + "@" + Files.getLastModifiedTime(jar).toMillis();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return c.getName() + "@unknown";
        }
    }
}
