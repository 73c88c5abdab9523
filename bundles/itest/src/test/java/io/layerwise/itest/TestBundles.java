package io.layerwise.itest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Bundles assembled in a test from this module's compiled test classes. */
final class TestBundles {
    private TestBundles() {
    }

    /**
     * A bundle jar holding every class of {@code activator}'s package, started by {@code activator}.
     *
     * @param imports the Import-Package header
     */
    static byte[] of(String symbolicName, String version, Class<?> activator, String imports)
            throws IOException, URISyntaxException {
        String pkg = activator.getPackageName().replace('.', '/');
        Path classes = Path.of(activator.getProtectionDomain().getCodeSource().getLocation().toURI());
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        a.putValue("Bundle-Activator", activator.getName());
        a.putValue("Import-Package", imports);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, m); Stream<Path> files = Files.list(classes.resolve(pkg))) {
            List<Path> classFiles = files.filter(p -> p.toString().endsWith(".class")).sorted().toList();
            for (Path f : classFiles) {
                jar.putNextEntry(new JarEntry(pkg + "/" + f.getFileName()));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
