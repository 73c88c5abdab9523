package io.layerwise.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's OpenMP count for every thread: {@code omp_threads}, taken from runtime/layerwise and run by bash on
 * made-up copies of {@code /proc/self/status}, gives the backend's rule (one thread up to 4 cores, a quarter of them
 * beyond) for the cores the process may run on; the launcher exports it as {@code OMP_NUM_THREADS} unless the user
 * set that.
 */
class OmpThreadsScriptTest {
    /** The environment without the user's count. */
    private static final Map<String, String> NO_USER_COUNT = Collections.singletonMap("OMP_NUM_THREADS", null);

    @TempDir
    Path dir;

    /** {@code omp_count} for a status file whose {@code Cpus_allowed_list} is {@code cpus}; null: no such file. */
    private String count(String cpus) throws IOException, InterruptedException {
        Path status = dir.resolve("status");
        Files.deleteIfExists(status);
        if (cpus != null) {
            Files.writeString(status,
                    "Name:\tjava\nCpus_allowed:\tffff\nCpus_allowed_list:\t" + cpus + "\nMems_allowed:\t1\n");
        }
        return LauncherFunctions.run("omp_threads", "omp_threads \"$1\"; echo \"$omp_count\"", NO_USER_COUNT,
                status.toString());
    }

    @Test
    void theRulesCountForTheCoresTheProcessMayUse() throws Exception {
        assertEquals("1", count("0-1"));
        assertEquals("1", count("0-3"));
        assertEquals("1", count("3"), "one core under taskset");
        assertEquals("1", count("0,2,4-5"), "four cores, listed in parts");
        assertEquals("2", count("0-7"));
        assertEquals("4", count("0-15"));
        assertEquals("16", count("0-31,64-95"));
        assertEquals("1", count(null), "no status file: one thread, as the rule gives one core");
    }

    /** The export as the launcher writes it: the rule's count where the user set none, the user's where set. */
    @Test
    void theUsersCountWins() throws Exception {
        String launcher = Files.readString(LauncherFunctions.LAUNCHER);
        int from = launcher.indexOf("if [[ -z \"${OMP_NUM_THREADS+set}\" ]]; then");
        String export = launcher.substring(from, launcher.indexOf("\nfi\n", from) + 4) + " echo \"$OMP_NUM_THREADS\"";
        assertEquals("1", LauncherFunctions.run("omp_threads", export.replace("/proc/self/status", "$1"),
                NO_USER_COUNT, "/nonexistent"));
        assertEquals("6", LauncherFunctions.run("omp_threads", export, Map.of("OMP_NUM_THREADS", "6")));
    }
}
