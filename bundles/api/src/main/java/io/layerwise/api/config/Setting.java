package io.layerwise.api.config;

/**
 * One key of a PID as it is in force: its value as text, where it came from, and for a framework property its name.
 */
public record Setting(String key, String value, Origin origin, String property) {

    /** "default", "file" or "framework property NAME". */
    public String from() {
        return origin == Origin.FRAMEWORK_PROPERTY ? origin + " " + property : origin.toString();
    }
}
