package io.layerwise.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchedDirsTest {
    @TempDir
    Path tmp;

    @Test
    void aCheckoutDeploysFromRuntimeDeploySoThatARebuildKeepsTheJars() throws Exception {
        Path home = tmp.resolve("repo");
        Files.createDirectories(home.resolve("runtime"));
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("pom.xml"), "<project/>");
        Path dist = home.resolve("runtime/target/layerwise");
        assertEquals(home.resolve("runtime/deploy") + "," + home.resolve("config"), FrameworkProperties.watchedDirs(dist, home));
        assertTrue(Files.isDirectory(home.resolve("runtime/deploy")), "created on first start");
    }

    @Test
    void aDistributionOnItsOwnDeploysFromItsDeployFolder() throws Exception {
        Path dist = tmp.resolve("layerwise");
        assertEquals(dist.resolve("deploy").toString(), FrameworkProperties.watchedDirs(dist, tmp.resolve("elsewhere")));
    }
}
