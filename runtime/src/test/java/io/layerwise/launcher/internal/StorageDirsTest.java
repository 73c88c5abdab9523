package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageDirsTest {

    @Test
    void theOwnersProcessIdIsReadFromTheName() {
        assertEquals(4242, StorageDirs.ownerPid("layerwise-felix-4242-123456"));
        assertEquals(-1, StorageDirs.ownerPid("layerwise-felix-x-1"));
        assertEquals(-1, StorageDirs.ownerPid("other-4242-1"));
    }

    @Test
    void twoStartsGetTwoDirectoriesAndDeadOwnersAreTidiedAway(@TempDir Path tmp) throws IOException {
        Path orphan = Files.createDirectories(tmp.resolve("layerwise-felix-" + Long.MAX_VALUE + "-1/bundle1"));
        Path a = StorageDirs.create(tmp);
        Path b = StorageDirs.create(tmp);
        assertNotEquals(a, b);
        assertFalse(Files.exists(orphan.getParent()));
        assertTrue(Files.isDirectory(a));
        StorageDirs.delete(a);
        assertFalse(Files.exists(a));
    }
}
