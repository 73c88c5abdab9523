package io.layerwise.launcher.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Finds the natives fragment of a flavour in {@code natives/} by its {@code Layerwise-Flavour} header. */
public final class Natives {

    public static final String FLAVOUR_HEADER = "Layerwise-Flavour";

    private Natives() {
    }

    /** True when {@code natives/} holds the fragment of {@code flavour}. */
    public static boolean has(Path nativesDir, String flavour) throws IOException {
        for (Path jar : jars(nativesDir)) {
            if (flavour.equals(flavourOf(jar))) {
                return true;
            }
        }
        return false;
    }

    public static Path fragmentFor(Path nativesDir, String flavour) throws IOException {
        List<String> seen = new ArrayList<>();
        for (Path jar : jars(nativesDir)) {
            String header = flavourOf(jar);
            if (flavour.equals(header)) {
                return jar;
            }
            if (header != null) {
                seen.add(header);
            }
        }
        throw new IllegalStateException("no natives fragment for backend " + flavour + " in " + nativesDir
                + (seen.isEmpty() ? "" : "; available: " + String.join(", ", seen))
                + (flavour.equals(Flavours.CUDA) ? " (build with mvn -Pcuda install)" : ""));
    }

    private static List<Path> jars(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static String flavourOf(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue(FLAVOUR_HEADER);
        }
    }
}
