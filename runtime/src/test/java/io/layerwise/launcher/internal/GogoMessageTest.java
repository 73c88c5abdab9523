package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import org.junit.jupiter.api.Test;

class GogoMessageTest {

    @Test
    void anOutOfMemoryErrorThatGogoWrappedTwiceIsOneLineNamingTheCommandNotInvocationTargetException() {
        Throwable wrapped = new InvocationTargetException(new InvocationTargetException(
                new OutOfMemoryError("Java heap space")));
        String m = Gogo.message(" layerwise:run big.json ", wrapped);
        assertTrue(m.startsWith("out of memory while running \"layerwise:run big.json\": Java heap space; the Java heap's"
                + " limit is "), m);
        assertTrue(m.endsWith(" MiB (-Xmx; more with LAYERWISE_JAVA_OPTS=-Xmx...)"), m);
        assertTrue(!m.contains("\n") && !m.contains("Exception"), m);
    }

    @Test
    void aCommandsOwnMessageIsPrintedAsItIs() {
        assertEquals("--epochs must be >= 0, got -1", Gogo.message("layerwise:run --epochs -1 x.json",
                new InvocationTargetException(new IllegalArgumentException("--epochs must be >= 0, got -1"))));
    }
}
