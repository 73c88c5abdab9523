package io.layerwise.api.spec;

/**
 * A pipeline or stage parameter is missing, of the wrong type or out of range. The message starts with the
 * JSON path of the offending value, e.g. {@code stages[2].regularizers[0].rho must be in (0, 1), got 1.5}.
 */
public class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String path;

    public SpecException(String path, String problem) {
        super(path.isEmpty() ? problem : path + " " + problem);
        this.path = path;
    }

    /** The JSON path of the value at fault, e.g. {@code stages[1].hidden}; empty for the whole document. */
    public String path() {
        return path;
    }
}
