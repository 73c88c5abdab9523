package io.layerwise.nd4j.runtime.internal;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * JavaCPP reads its limits from system properties once, when {@code Pointer} initialises. The
 * launcher script sets them; an embedded framework (tests) may not, so fill in what is missing:
 * from a framework property of the same name, else a default. Its defaults (maxbytes = heap size)
 * make ND4J fail at start on small heaps, and its cache directory is shared by every JavaCPP version.
 * ND4J's start-up banner (SLF4J INFO) is silenced the same way unless a level is set, and so is JavaCPP's loader
 * below ERROR.
 */
final class JavaCppDefaults {

    static final String MAX_BYTES = "org.bytedeco.javacpp.maxbytes";
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxphysicalbytes";
    static final String CACHE_DIR = "org.bytedeco.javacpp.cachedir";
    static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    static final String LOGGER = "org.bytedeco.javacpp.logger";
    static final String LOADER_LOG_LEVEL = "org.slf4j.simpleLogger.log.org.bytedeco.javacpp.Loader";

    private JavaCppDefaults() {
    }

    static void apply(UnaryOperator<String> frameworkProperty) {
        setIfAbsent(MAX_BYTES, frameworkProperty, "4g");
        setIfAbsent(MAX_PHYSICAL_BYTES, frameworkProperty, "8g");
        setIfAbsent(CACHE_DIR, frameworkProperty, Path.of(System.getProperty("user.home"),
                ".cache", "layerwise", "javacpp-1.5.7").toString());
        setIfAbsent(LOG_LEVEL, frameworkProperty, "warn");
        // OpenBLAS's natives are a newer JavaCPP build (1.5.8) than JavaCPP itself (1.5.7, ND4J's), on purpose
        // (the parent pom says why); JavaCPP's loader would warn about that on stderr at every start.
        setIfAbsent(LOGGER, frameworkProperty, "slf4j");
        setIfAbsent(LOADER_LOG_LEVEL, frameworkProperty, "error");
    }

    private static void setIfAbsent(String key, UnaryOperator<String> frameworkProperty, String fallback) {
        if (System.getProperty(key) != null) {
            return;
        }
        String value = frameworkProperty.apply(key);
        System.setProperty(key, value != null ? value : fallback);
    }
}
