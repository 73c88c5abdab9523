package io.layerwise.launcher.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

/**
 * Whether a jar in a watched folder is an OSGi bundle by the test FileInstall applies before it installs anything (a
 * readable jar whose manifest has a {@code Bundle-SymbolicName}), and if not, why. FileInstall itself passes over
 * such a file without a word.
 */
final class JarCheck {
    private JarCheck() {
    }

    /** Null for a bundle; otherwise why {@code jar} is none, e.g. {@code "not a jar (zip) file"}. */
    static String whyNotABundle(Path jar) {
        if (!Files.isReadable(jar)) {
            return "cannot be read (check its permissions)";
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest m = file.getManifest();
            if (m == null) {
                return "no META-INF/MANIFEST.MF: a zip file, but no bundle";
            }
            if (m.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                return "its META-INF/MANIFEST.MF has no Bundle-SymbolicName: a plain jar, not an OSGi bundle";
            }
            return null;
        } catch (ZipException e) {
            return "not a jar (zip) file: " + e.getMessage();
        } catch (IOException | SecurityException e) {
            return "cannot be read: " + e.getMessage();
        }
    }
}
