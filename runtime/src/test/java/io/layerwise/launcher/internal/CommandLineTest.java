package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void noArgumentsOpenTheInteractiveShell() {
        CommandLine cl = CommandLine.parse(List.of());
        assertTrue(cl.interactive());
        assertNull(cl.backend());
    }

    @Test
    void execPassesTheGogoTextThrough() {
        assertEquals("lb | grep Layerwise", CommandLine.parse(List.of("exec", "lb | grep Layerwise")).command());
    }

    @Test
    void listingsAreToldFromCommandsThatCompute() {
        for (String listing : List.of("lb", "lb | grep Layerwise", "layerwise:types", "types", "help layerwise:run",
                " layerwise:jobs", "lb; layerwise:run x.json")) {
            assertTrue(CommandLine.parse(List.of("exec", listing)).onlyLists(), listing);
        }
        assertTrue(CommandLine.parse(List.of("config")).onlyLists());
        for (String computes : List.of("layerwise:run x.json", "layerwise:backend --seconds 0", "bench", "encode x",
                "layerwise:lbx")) {
            assertFalse(CommandLine.parse(List.of("exec", computes)).onlyLists(), computes);
        }
        assertFalse(CommandLine.parse(List.of("run", "x.json")).onlyLists());
        assertFalse(CommandLine.parse(List.of()).onlyLists(), "the interactive shell has its own wait");
    }

    @Test
    void verbsMapToTheLayerwiseScopeWithQuoting() {
        CommandLine cl = CommandLine.parse(List.of("run", "config/pipelines/mnist-dae.json", "--out", "my runs", "--epochs", "2"));
        assertEquals("layerwise:run config/pipelines/mnist-dae.json --out 'my runs' --epochs 2", cl.command());
        assertEquals("layerwise:bench", CommandLine.parse(List.of("bench")).command());
        assertEquals("layerwise:show runs/x", CommandLine.parse(List.of("show", "runs/x")).command());
    }

    @Test
    void backendIsTakenFromAnywhereInEitherForm() {
        assertEquals("avx2", CommandLine.parse(List.of("--backend=avx2", "exec", "lb")).backend());
        CommandLine cl = CommandLine.parse(List.of("run", "p.json", "--backend", "generic"));
        assertEquals("generic", cl.backend());
        assertEquals("layerwise:run p.json", cl.command());
    }

    @Test
    void unknownCommandsAndEmptyExecAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of("train")));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of("exec")));
    }

    @Test
    void helpIsNotInteractive() {
        CommandLine cl = CommandLine.parse(List.of("--help"));
        assertTrue(cl.help());
        assertTrue(!cl.interactive());
    }

    @Test
    void webOpensTheInteractiveShellWithTheViewOnAndTakesNoArguments() {
        CommandLine cl = CommandLine.parse(List.of("--backend=avx2", "web"));
        assertTrue(cl.web());
        assertTrue(cl.interactive());
        assertEquals("avx2", cl.backend());
        assertFalse(CommandLine.parse(List.of()).web());
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of("web", "8080")));
    }
}
