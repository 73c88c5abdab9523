package io.layerwise.api.config;

/** Where a setting in force came from. A framework property beats the file, which beats the default. */
public enum Origin {
    DEFAULT("default"),
    FILE("file"),
    FRAMEWORK_PROPERTY("framework property");

    private final String words;

    Origin(String words) {
        this.words = words;
    }

    @Override
    public String toString() {
        return words;
    }
}
