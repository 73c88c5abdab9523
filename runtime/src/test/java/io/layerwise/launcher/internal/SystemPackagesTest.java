package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.namespace.ExecutionEnvironmentNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;

class SystemPackagesTest {

    private static final FrameworkFactory FELIX = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();

    @Test
    void aFrameworkGivenTheStoredValueOffersWhatOneThatWorkedItOutOffers(@TempDir Path tmp) throws Exception {
        SystemPackages cache = SystemPackages.in(tmp.resolve("cds"), FELIX.getClass());
        assertEquals(Optional.empty(), cache.value());

        Map<String, String> workedOut = new HashMap<>();
        List<String> computed = systemCapabilities(tmp.resolve("a"), Map.of(), workedOut);
        String value = workedOut.get(Constants.FRAMEWORK_SYSTEMPACKAGES);
        assertTrue(value.contains("org.osgi.framework;") && value.contains("javax.net;"), value);
        cache.store(value);
        assertEquals(Optional.of(value), cache.value());

        List<String> given = systemCapabilities(tmp.resolve("b"), Map.of(Constants.FRAMEWORK_SYSTEMPACKAGES, value),
                new HashMap<>());
        assertTrue(computed.size() > 100, "the JDK's packages and the execution environments: " + computed.size());
        assertEquals(List.of(), difference(computed, given), "offered only when worked out");
        assertEquals(List.of(), difference(given, computed), "offered only when given");
        assertEquals(computed, given, "the same packages, versions and uses, the same execution environments");
        try (Stream<Path> files = Files.list(tmp.resolve("cds"))) {
            assertEquals(List.of(SystemPackages.FILE), files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left beside it");
        }
        Path stored = tmp.resolve("cds").resolve(SystemPackages.FILE);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)),
                "every user of the distribution may read it");
    }

    @Test
    void aValueIsUsedOnlyUnderItsOwnKeyAndOnlyWhenItIsWhole(@TempDir Path tmp) throws IOException {
        new SystemPackages(tmp.resolve(SystemPackages.FILE), "jvm-1").store("javax.net; version=\"0.0.0\"");
        assertEquals(Optional.empty(), new SystemPackages(tmp.resolve(SystemPackages.FILE), "jvm-2").value());
        assertEquals(Optional.of("javax.net; version=\"0.0.0\""),
                new SystemPackages(tmp.resolve(SystemPackages.FILE), "jvm-1").value());

        SystemPackages cache = new SystemPackages(tmp.resolve(SystemPackages.FILE), "jvm-1");
        cache.store("${jre-17}");
        assertEquals(Optional.of("javax.net; version=\"0.0.0\""), cache.value(), "a value with variables is not kept");
        Files.writeString(tmp.resolve(SystemPackages.FILE), "key=jvm-1\nvalue=\\u00zz");
        assertEquals(Optional.empty(), cache.value(), "a damaged file");
        Files.writeString(tmp.resolve(SystemPackages.FILE), "key=jvm-1\nvalue=${osgi-exports}");
        assertEquals(Optional.empty(), cache.value());

        String key = SystemPackages.key(FELIX.getClass());
        assertTrue(key.contains(System.getProperty("java.home")) && key.contains("java.base"), key);
        assertTrue(key.contains(".jar@"), "the framework jar's size and time: " + key);
        assertNotEquals(key, SystemPackages.key(String.class));
    }

    @Test
    void aDirectoryThatCannotBeWrittenToLosesOnlyTheShortcut(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "");
        SystemPackages cache = new SystemPackages(file.resolve(SystemPackages.FILE), "jvm-1");
        cache.store("javax.net");
        assertFalse(cache.value().isPresent());
    }

    /** The system bundle's capabilities of a framework started with {@code props}, and its system packages. */
    private static List<String> systemCapabilities(Path storage, Map<String, String> props, Map<String, String> out)
            throws BundleException, InterruptedException {
        Map<String, String> all = new HashMap<>(props);
        all.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        all.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        all.put("felix.log.level", "1");
        Framework framework = FELIX.newFramework(all);
        framework.start();
        try {
            out.put(Constants.FRAMEWORK_SYSTEMPACKAGES,
                    framework.getBundleContext().getProperty(Constants.FRAMEWORK_SYSTEMPACKAGES));
            BundleRevision system = framework.adapt(BundleRevision.class);
            return Stream.of(PackageNamespace.PACKAGE_NAMESPACE,
                            ExecutionEnvironmentNamespace.EXECUTION_ENVIRONMENT_NAMESPACE)
                    .flatMap(namespace -> system.getDeclaredCapabilities(namespace).stream())
                    .map(c -> c.getNamespace() + " " + render(c.getAttributes()) + " " + render(c.getDirectives()))
                    .sorted().collect(Collectors.toList());
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    private static String render(Map<String, ?> values) {
        Map<String, String> sorted = new TreeMap<>();
        values.forEach((k, v) -> sorted.put(k, v instanceof Object[] a ? Arrays.toString(a) : String.valueOf(v)));
        return sorted.toString();
    }

    private static List<String> difference(List<String> a, List<String> b) {
        return a.stream().filter(x -> !b.contains(x)).collect(Collectors.toList());
    }
}
