package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.FileResource;
import aQute.bnd.osgi.Jar;
import io.layerwise.api.stage.Stage;
import io.layerwise.core.ae.AutoencoderStage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.osgi.framework.BundleActivator;

/**
 * Test bundles built with bnd the way the model bundles are: the test classes of one package, and a private copy of
 * the core packages they reach ({@code -conditionalpackage}), so that they import only the API, ND4J and OSGi.
 */
final class CoreBundles {
    private CoreBundles() {
    }

    /** Core as this module compiles against it: its jar, or its classes folder in the reactor. */
    static File core() throws Exception {
        return location(AutoencoderStage.class);
    }

    /**
     * A bundle of {@code activator}'s package, started by {@code activator}, with the core packages it reaches copied
     * in from {@code core} (a jar or a classes folder).
     *
     * @param headers further manifest headers
     */
    static byte[] withPrivateCore(String symbolicName, String version, Class<?> activator, File core,
            Map<String, String> headers) throws Exception {
        try (Builder b = new Builder()) {
            b.setProperty(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
            b.setProperty(Constants.BUNDLE_VERSION, version);
            b.setProperty(Constants.BUNDLE_ACTIVATOR, activator.getName());
            b.setProperty(Constants.PRIVATEPACKAGE, activator.getPackageName());
            b.setProperty(Constants.CONDITIONALPACKAGE, "io.layerwise.core.*");
            b.setProperty(Constants.NOEXTRAHEADERS, "true");
            headers.forEach(b::setProperty);
            b.addClasspath(location(activator));
            b.addClasspath(core);
            // for the version ranges of the imports
            for (Class<?> c : List.of(Stage.class, INDArray.class, BundleActivator.class)) {
                b.addClasspath(location(c));
            }
            try (Jar jar = b.build()) {
                assertTrue(b.isOk(), "bnd could not build " + symbolicName + ": " + b.getErrors());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                jar.write(out);
                return out.toByteArray();
            }
        }
    }

    /**
     * A copy of {@code core} as a jar in {@code dir}, with one class compiled from core's source after replacing
     * {@code from} by {@code to} in it: a core that differs from the real one in a way a test can see.
     *
     * @param className  e.g. {@code io.layerwise.core.ae.Corruption}
     * @param coreSource core's {@code src/main/java}
     */
    static File variant(Path dir, File core, Path coreSource, String className, String from, String to)
            throws Exception {
        String relative = className.replace('.', '/');
        Path source = coreSource.resolve(relative + ".java");
        String text = Files.readString(source);
        assertTrue(text.contains(from), source + " no longer holds \"" + from + "\": choose another change for the"
                + " variant core");
        Path patched = dir.resolve("src").resolve(relative + ".java");
        Files.createDirectories(patched.getParent());
        Files.writeString(patched, text.replace(from, to));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the tests run on a JDK, with javac");
        String classpath = core + File.pathSeparator + location(INDArray.class) + File.pathSeparator
                + location(Stage.class);
        assertEquals(0, javac.run(null, null, null, "--release", "17", "-proc:none", "-d", classes.toString(),
                "-classpath", classpath, patched.toString()), "javac of the variant " + patched);
        File jarFile = dir.resolve("core-variant.jar").toFile();
        try (Jar jar = new Jar(core)) {
            try (var compiled = Files.list(classes.resolve(relative).getParent())) {
                for (Path c : compiled.toList()) { // the class and any nested classes of it
                    jar.putResource(relative.substring(0, relative.lastIndexOf('/') + 1) + c.getFileName(),
                            new FileResource(c));
                }
            }
            jar.write(jarFile);
        }
        return jarFile;
    }

    private static File location(Class<?> c) throws Exception {
        return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
