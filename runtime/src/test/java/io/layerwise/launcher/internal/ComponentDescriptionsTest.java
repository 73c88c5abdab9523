package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentContext;
import org.osgi.util.function.Function;
import org.osgi.util.promise.Promise;

/**
 * Real Felix frameworks with Felix SCR and a bundle with one component, each start in a fresh storage as the launcher
 * does: what SCR parsed in one start is what it uses in the next, for the same jar only.
 */
class ComponentDescriptionsTest {

    private static final FrameworkFactory FELIX = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();

    @Test
    void theNextStartGetsWhatScrParsedForTheSameJarAndParsesAChangedJarAfresh(@TempDir Path tmp) throws Exception {
        Path cds = tmp.resolve("cds");
        Path jar = componentJar(tmp.resolve("components.jar"), "first.name");
        FileTime time = Files.getLastModifiedTime(jar);

        assertEquals(List.of("first.name"), componentNames(tmp.resolve("storage-1"), cds, jar, false));
        Path stored = cds.resolve(ComponentDescriptions.FILE);
        assertTrue(Files.isRegularFile(stored), "SCR's descriptions kept after the framework stopped");
        try (Stream<Path> files = Files.list(cds)) {
            assertEquals(1, files.count(), "no temporary file left beside it");
        }

        // the same jar again: SCR's file comes from the first start; to show that SCR takes it instead of the XML, the
        // jar's description is changed under the same name, size and time (which no real build does)
        long size = Files.size(jar);
        componentJar(jar, "other.name");
        assertEquals(size, Files.size(jar));
        Files.setLastModifiedTime(jar, time);
        byte[] before = Files.readAllBytes(stored);
        assertEquals(List.of("first.name"), componentNames(tmp.resolve("storage-2"), cds, jar, true));
        assertArrayEquals(before, Files.readAllBytes(stored), "an unchanged cache is not written again");

        // a jar with another time (a rebuild): SCR parses it, and the cache follows
        Files.setLastModifiedTime(jar, FileTime.fromMillis(time.toMillis() + 2_000));
        assertEquals(List.of("other.name"), componentNames(tmp.resolve("storage-3"), cds, jar, false));
        assertEquals(List.of("other.name"), componentNames(tmp.resolve("storage-4"), cds, jar, true));
    }

    @Test
    void aDamagedOrForeignFileIsNotSeeded(@TempDir Path tmp) throws Exception {
        Path cds = tmp.resolve("cds");
        Path jar = componentJar(tmp.resolve("components.jar"), "first.name");
        componentNames(tmp.resolve("storage-1"), cds, jar, false);
        Path stored = cds.resolve(ComponentDescriptions.FILE);
        byte[] whole = Files.readAllBytes(stored);

        Files.write(stored, java.util.Arrays.copyOf(whole, whole.length - 7)); // cut short
        assertEquals(List.of("first.name"), componentNames(tmp.resolve("storage-2"), cds, jar, false));
        assertArrayEquals(whole, Files.readAllBytes(stored), "written whole again by the start that parsed");

        Files.writeString(stored, "not a cache");
        assertEquals(List.of("first.name"), componentNames(tmp.resolve("storage-3"), cds, jar, false));
    }

    @Test
    void pinningSetsEachBundlesTimeToItsJars(@TempDir Path tmp) throws Exception {
        Path jar = componentJar(tmp.resolve("components.jar"), "first.name");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000_000_000L));
        Framework framework = FELIX.newFramework(Map.of(Constants.FRAMEWORK_STORAGE, tmp.resolve("s").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
        try {
            Bundle bundle = framework.getBundleContext().installBundle("reference:" + jar.toUri());
            assertTrue(ComponentDescriptions.in(tmp.resolve("cds")).pin(List.of(bundle), List.of(jar)));
            assertEquals(1_000_000_000_000L, bundle.getLastModified());
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    /**
     * Starts a framework in {@code storage} as the launcher does (pin, seed, start; stop, keep) and returns the names
     * of the components SCR describes for {@code jar}. {@code seeded}: whether SCR's file had to come from the cache.
     */
    private static List<String> componentNames(Path storage, Path cds, Path jar, boolean seeded) throws Exception {
        Framework framework = FELIX.newFramework(Map.of(Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                "ds.cache.metadata", "true"));
        framework.start();
        ComponentDescriptions descriptions = ComponentDescriptions.in(cds);
        try {
            BundleContext ctx = framework.getBundleContext();
            List<Path> jars = List.of(jarOf(Function.class), jarOf(Promise.class), jarOf(ComponentContext.class),
                    jarOf(org.apache.felix.scr.impl.Activator.class), jar);
            List<Bundle> bundles = new ArrayList<>();
            for (Path p : jars) {
                bundles.add(ctx.installBundle("reference:" + p.toUri()));
            }
            assertTrue(descriptions.pin(bundles, jars));
            Bundle scr = bundles.get(3);
            descriptions.seed(scr);
            assertEquals(seeded, Files.isRegularFile(storage.resolve("bundle" + scr.getBundleId())
                    .resolve("data").resolve(ComponentDescriptions.SCR_FILE)), "SCR's file seeded from the cache");
            for (Bundle b : bundles) {
                b.start();
            }
            // the component's service (the test's ServiceComponentRuntime class is not the framework's; Runnable is)
            List<String> names = new ArrayList<>();
            for (ServiceReference<Runnable> ref : ctx.getServiceReferences(Runnable.class, null)) {
                if (ref.getBundle().equals(bundles.get(4))) {
                    names.add((String) ref.getProperty("component.name"));
                }
            }
            return names;
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
            descriptions.keep();
        }
    }

    private static Path jarOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** A bundle with one delayed component named {@code name} (its class is never loaded: no one gets the service). */
    private static Path componentJar(Path file, String name) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, "test.components");
        a.putValue("Service-Component", "OSGI-INF/component.xml");
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s">
                  <implementation class="test.components.Impl"/>
                  <service><provide interface="java.lang.Runnable"/></service>
                </scr:component>
                """.formatted(name);
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            // stored, with a fixed time: names of one length make jars of one size
            JarEntry entry = new JarEntry("OSGI-INF/component.xml");
            entry.setMethod(JarEntry.STORED);
            entry.setSize(bytes.length);
            CRC32 crc = new CRC32();
            crc.update(bytes);
            entry.setCrc(crc.getValue());
            entry.setTime(0);
            jar.putNextEntry(entry);
            jar.write(bytes);
            jar.closeEntry();
        }
        return file;
    }
}
