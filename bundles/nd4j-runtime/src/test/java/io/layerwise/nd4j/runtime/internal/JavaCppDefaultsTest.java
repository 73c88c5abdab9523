package io.layerwise.nd4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JavaCppDefaultsTest {

    private Properties saved;

    @BeforeEach
    void clear() {
        saved = (Properties) System.getProperties().clone();
        for (String key : new String[] {JavaCppDefaults.MAX_BYTES, JavaCppDefaults.MAX_PHYSICAL_BYTES,
                JavaCppDefaults.CACHE_DIR, JavaCppDefaults.LOG_LEVEL}) {
            System.clearProperty(key);
        }
    }

    @AfterEach
    void restore() {
        System.setProperties(saved);
    }

    @Test
    void systemPropertiesWinThenFrameworkPropertiesThenDefaults() {
        System.setProperty(JavaCppDefaults.MAX_BYTES, "1g");
        JavaCppDefaults.apply(Map.of(JavaCppDefaults.MAX_BYTES, "2g", JavaCppDefaults.MAX_PHYSICAL_BYTES, "3g")::get);
        assertEquals("1g", System.getProperty(JavaCppDefaults.MAX_BYTES));
        assertEquals("3g", System.getProperty(JavaCppDefaults.MAX_PHYSICAL_BYTES));
        assertTrue(System.getProperty(JavaCppDefaults.CACHE_DIR).endsWith("javacpp-1.5.7"));
        assertEquals("warn", System.getProperty(JavaCppDefaults.LOG_LEVEL));
    }
}
