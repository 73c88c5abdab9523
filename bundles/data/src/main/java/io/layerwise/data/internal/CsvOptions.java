package io.layerwise.data.internal;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code data} section of a pipeline for the {@code csv} source (without {@code source}).
 *
 * @param train        the training file
 * @param test         the held-out file, or null
 * @param testFraction without {@code test}: the share of the training file's rows held out (seeded), 0 for none
 * @param label        the label column, or {@link CsvReader.LabelColumn#NONE}
 * @param scale        {@link ColumnScaling#NONE}, {@code min-max} or {@code standardize}
 * @param shape        [channels, height, width] of a row, or null
 */
record CsvOptions(Path train, Path test, double testFraction, long seed, char delimiter, boolean header,
        CsvReader.LabelColumn label, String scale, int[] shape) {

    static CsvOptions read(Spec spec, Path cwd) {
        Path dir = path(spec, "dir", cwd, ".");
        Path train = path(spec, "train", dir, null);
        Path test = spec.has("test") ? path(spec, "test", dir, null) : null;
        double fraction = spec.number("testFraction", 0, Range.closed(0, 0.9));
        if (test != null && spec.has("testFraction")) {
            throw new SpecException(spec.pathOf("testFraction"), "cannot be given with data.test (the held-out rows"
                    + " come from one or the other)");
        }
        long seed = spec.longInteger("seed", 1);
        String d = spec.text("delimiter", ",");
        char delimiter;
        if (d.equals("\\t") || d.equals("tab") || d.equals("\t")) {
            delimiter = '\t';
        } else if (d.length() == 1 && d.charAt(0) != '"' && d.charAt(0) < 128 && d.charAt(0) != '\n'
                && d.charAt(0) != '\r') {
            delimiter = d.charAt(0);
        } else {
            throw new SpecException(spec.pathOf("delimiter"), "must be one ASCII character other than a quote or a line"
                    + " break (or \"tab\"), got \"" + d + "\"");
        }
        boolean header = spec.flag("header", false);
        CsvReader.LabelColumn label = CsvReader.LabelColumn.NONE;
        if (spec.has("label")) {
            Object raw = spec.raw("label");
            if (raw instanceof String name && !name.isBlank()) {
                if (!header) {
                    throw new SpecException(spec.pathOf("label"), "names a column (\"" + name + "\") but data.header is"
                            + " not true; set header: true or give the column's 0-based index");
                }
                label = new CsvReader.LabelColumn(name, -1);
            } else if (raw instanceof Number) {
                label = new CsvReader.LabelColumn(null, spec.integer("label", 0, Integer.MAX_VALUE - 1));
            } else {
                throw new SpecException(spec.pathOf("label"), "must be a column name (with header: true) or a 0-based"
                        + " column index, got " + raw);
            }
        }
        String scale = spec.choice("scale", ColumnScaling.NONE, ColumnScaling.NONE, ColumnScaling.MIN_MAX,
                ColumnScaling.STANDARDIZE);
        int[] shape = null;
        if (spec.has("shape")) {
            List<Integer> s = spec.integers("shape", List.of(), 1, 1 << 16);
            if (s.size() != 3) {
                throw new SpecException(spec.pathOf("shape"), "must be [channels, height, width], got " + s);
            }
            shape = new int[] {s.get(0), s.get(1), s.get(2)};
        }
        return new CsvOptions(train, test, fraction, seed, delimiter, header, label, scale, shape);
    }

    /** A file or folder named by {@code key}, resolved against {@code base}; {@code dflt} null means required. */
    static Path path(Spec spec, String key, Path base, String dflt) {
        String text = spec.text(key, dflt);
        try {
            return base.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw new SpecException(spec.pathOf(key), "is not a valid path: " + e.getMessage());
        }
    }
}
