package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarCheckTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatIsNoZipIsNamedAsSuch() throws Exception {
        Path jar = Files.writeString(dir.resolve("x.jar"), "garbage");
        String why = JarCheck.whyNotABundle(jar);
        assertTrue(why.startsWith("not a jar (zip) file"), why);
    }

    @Test
    void aZipWithoutManifestAndAJarWithoutSymbolicNameAreNamedAsSuch() throws Exception {
        Path zip = dir.resolve("bare.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("a.txt"));
            out.closeEntry();
        }
        assertTrue(JarCheck.whyNotABundle(zip).startsWith("no META-INF/MANIFEST.MF"));
        assertTrue(JarCheck.whyNotABundle(jar("plain.jar", null)).contains("no Bundle-SymbolicName"));
    }

    @Test
    void aJarWithASymbolicNameIsABundle() throws Exception {
        assertNull(JarCheck.whyNotABundle(jar("b.jar", "org.example.b")));
    }

    private Path jar(String name, String symbolicName) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            m.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        }
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.putNextEntry(new ZipEntry("a.txt"));
            out.closeEntry();
        }
        return jar;
    }
}
