package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        Path root = StorageDirs.root(tmp.resolve("no-shm"), tmp.resolve("no-mounts"), 0, tmp);
        assertEquals(tmp, root);
        Path a = StorageDirs.create(root);
        Path b = StorageDirs.create(root);
        assertNotEquals(a, b);
        assertFalse(Files.exists(orphan.getParent()));
        assertTrue(Files.isDirectory(a));
        assertEquals(ProcessHandle.current().pid(), StorageDirs.ownerPid(a.getFileName().toString()));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(b)), "the owner's only");
        StorageDirs.delete(a);
        assertFalse(Files.exists(a));
    }

    @Test
    void theStorageGoesIntoMemoryOnlyWhereTheMountIsAWritableExecutableTmpfsWithRoom(@TempDir Path tmp)
            throws IOException {
        Path shm = Files.createDirectories(tmp.resolve("shm"));
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        Path mounts = tmp.resolve("mounts");
        String dir = shm.toString();

        Files.writeString(mounts, "/dev/vda / ext4 rw,relatime 0 0\ntmpfs " + dir + " tmpfs rw,nosuid,nodev 0 0\n");
        assertEquals(shm, StorageDirs.root(shm, mounts, 0, disk));
        assertEquals(disk, StorageDirs.root(shm, mounts, Long.MAX_VALUE, disk), "not enough room");

        Files.writeString(mounts, "tmpfs " + dir + " tmpfs rw,nosuid,nodev,noexec 0 0\n");
        assertEquals(disk, StorageDirs.root(shm, mounts, 0, disk), "noexec: native code could not load");
        Files.writeString(mounts, "/dev/vdb " + dir + " ext4 rw 0 0\n");
        assertEquals(disk, StorageDirs.root(shm, mounts, 0, disk), "a disk, not memory");
        Files.writeString(mounts, "tmpfs " + dir + " tmpfs rw,noexec 0 0\ntmpfs " + dir + " tmpfs rw 0 0\n");
        assertEquals(shm, StorageDirs.root(shm, mounts, 0, disk), "the later mount hides the earlier one");
        Files.writeString(mounts, "tmpfs /elsewhere tmpfs rw 0 0\n");
        assertEquals(disk, StorageDirs.root(shm, mounts, 0, disk), "not a mount point");
        assertEquals(disk, StorageDirs.root(shm, tmp.resolve("no-such-file"), 0, disk), "no mount table");
        assertEquals(disk, StorageDirs.root(tmp.resolve("absent"), mounts, 0, disk));
    }

    @Test
    void whatDeadProcessesLeftInMemoryIsRemovedBeforeTheRoomIsJudged(@TempDir Path tmp) throws IOException {
        Path shm = Files.createDirectories(tmp.resolve("shm"));
        Path orphan = Files.createDirectories(shm.resolve("layerwise-felix-" + Long.MAX_VALUE + "-1/bundle1"));
        Path mounts = Files.writeString(tmp.resolve("mounts"), "tmpfs " + shm + " tmpfs rw 0 0\n");
        Path live = Files.createDirectories(shm.resolve("layerwise-felix-" + ProcessHandle.current().pid() + "-2"));
        StorageDirs.root(shm, mounts, Long.MAX_VALUE, tmp);
        assertFalse(Files.exists(orphan.getParent()));
        assertTrue(Files.isDirectory(live), "a running process's storage stays");
    }
}
