package io.layerwise.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's {@code huge_pages} function, taken from runtime/layerwise and run by bash on made-up copies of the
 * kernel's {@code transparent_hugepage/enabled}: the heap asks for huge pages only where the kernel gives them on
 * request or always, since elsewhere the JVM would warn on every start.
 */
class HugePagesScriptTest {
    @TempDir
    Path dir;

    /** The JVM flags {@code huge_pages} chooses for a kernel file with {@code content}; null: no such file. */
    private String flags(String content) throws IOException, InterruptedException {
        Path file = dir.resolve("enabled");
        Files.deleteIfExists(file);
        if (content != null) {
            Files.writeString(file, content);
        }
        return LauncherFunctions.run("huge_pages", "huge_pages \"$1\"; echo \"flags:${large_pages[*]}\"", Map.of(),
                file.toString());
    }

    @Test
    void theHeapAsksForHugePagesWhereTheKernelGivesThem() throws Exception {
        assertEquals("flags:-XX:+UseTransparentHugePages", flags("always [madvise] never\n"));
        assertEquals("flags:-XX:+UseTransparentHugePages", flags("[always] madvise never\n"));
    }

    @Test
    void noFlagWhereTheKernelHasThemOffOrSaysNothing() throws Exception {
        assertEquals("flags:", flags("always madvise [never]\n"));
        assertEquals("flags:", flags(""));
        assertEquals("flags:", flags(null));
    }
}
