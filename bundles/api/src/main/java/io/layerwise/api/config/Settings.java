package io.layerwise.api.config;

import java.util.List;

/**
 * The settings of one PID in force now. {@code file}: the configuration file they were last read from, or null when
 * there is none. {@code problems}: what the last reading rejected or ignored, one line each, naming the PID and key.
 */
public record Settings(String pid, String file, List<Setting> values, List<String> problems) {

    public Settings {
        values = List.copyOf(values);
        problems = List.copyOf(problems);
    }
}
