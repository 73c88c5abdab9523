package io.layerwise.launcher.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the user asked the launcher for: {@code [--backend=F] [exec "CMD" | VERB ARGS... | help]}.
 * {@code VERB} is one of the Layerwise shell verbs and becomes {@code layerwise:VERB ARGS}.
 *
 * @param backend the --backend value, or null
 * @param command the Gogo command line to run once, or null for the interactive shell
 * @param help    whether to print the usage and stop
 * @param web     whether to serve the web view in this session ({@code layerwise web}: the interactive shell with it)
 */
public record CommandLine(String backend, String command, boolean help, boolean web) {

    /** The framework property that turns the web view on for one session (io.layerwise.web's {@code enabled}). */
    public static final String WEB_PROPERTY = "layerwise.web.enabled";

    public CommandLine(String backend, String command, boolean help) {
        this(backend, command, help, false);
    }

    public static final Set<String> VERBS = Set.of("run", "resume", "bench", "eval", "encode", "reconstruct", "show",
            "config");

    public static final String USAGE = String.join("\n",
            "usage: layerwise [--backend=FLAVOUR] [COMMAND]",
            "  (none)                      interactive Gogo shell (g! prompt)",
            "  exec \"GOGO COMMAND\"         run one Gogo command and exit (status 1 on failure)",
            "  run|resume|bench|eval|encode|reconstruct|show|config ARGS  the same as exec \"layerwise:VERB ARGS\"",
            "  web                         interactive Gogo shell with the web view started (its URL is printed)",
            "  --backend=FLAVOUR           linux-x86_64, linux-x86_64-avx2, linux-x86_64-avx512 (or generic,",
            "                              avx2, avx512); default: chosen from /proc/cpuinfo, or LAYERWISE_BACKEND",
            "environment: LAYERWISE_BACKEND, LAYERWISE_DATA, LAYERWISE_DEBUG=1 (stack traces), LAYERWISE_JAVA_OPTS");

    public static CommandLine parse(List<String> args) {
        String backend = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--backend=")) {
                backend = arg.substring("--backend=".length());
            } else if (arg.equals("--backend") && i + 1 < args.size()) {
                backend = args.get(++i);
            } else {
                rest.add(arg);
            }
        }
        if (rest.isEmpty()) {
            return new CommandLine(backend, null, false);
        }
        String first = rest.get(0);
        List<String> tail = rest.subList(1, rest.size());
        if (first.equals("exec")) {
            if (tail.isEmpty()) {
                throw new IllegalArgumentException("exec needs a Gogo command, e.g. layerwise exec \"lb\"");
            }
            // The user quoted for their shell already; the text is Gogo syntax and passes through as is.
            return new CommandLine(backend, String.join(" ", tail), false);
        }
        if (VERBS.contains(first)) {
            return new CommandLine(backend, GogoQuoting.command("layerwise", first, tail), false);
        }
        if (first.equals("web") && tail.isEmpty()) {
            return new CommandLine(backend, null, false, true);
        }
        if (first.equals("help") || first.equals("--help") || first.equals("-h")) {
            return new CommandLine(backend, null, true);
        }
        throw new IllegalArgumentException("unknown command \"" + first + "\"\n" + USAGE);
    }

    public boolean interactive() {
        return command == null && !help;
    }

    /**
     * Commands that only list or read settings: Gogo's and Felix's own listings and Layerwise's. Under {@code exec},
     * the backend's ND4J load then waits as in the interactive shell, and a process that never needs ND4J ends without
     * loading it (0.6 s of {@code exec lb}'s 1.4 s went into waiting for that load at the stop). Only the line's first
     * command counts; a later one that computes gets ND4J at once all the same, a little later.
     */
    static final Set<String> LISTINGS = Set.of("lb", "help", "headers", "inspect", "bundlelevel", "frameworklevel",
            "echo", "types", "regularizers", "datasets", "jobs", "status", "config", "web");

    /** Whether the command line starts with one of the {@link #LISTINGS} (with or without its scope). */
    public boolean onlyLists() {
        if (command == null || command.isBlank()) {
            return false;
        }
        String first = command.strip().split("[\\s;|]", 2)[0];
        return LISTINGS.contains(first.substring(first.indexOf(':') + 1));
    }
}
