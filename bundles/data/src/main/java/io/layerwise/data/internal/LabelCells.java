package io.layerwise.data.internal;

import io.layerwise.api.data.Dataset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a label column means, decided from all its cells (training and test together, so that both read alike):
 * whole numbers 0..65535 are class indices; other numbers are a continuous label ({@link Dataset.Targets}); text is
 * class names, numbered in sorted order of the training rows' names.
 *
 * @param trainClasses class per training row, or null for a continuous label
 * @param testClasses  class per test row (null without test rows or for a continuous label)
 * @param names        class names for text labels, else null
 * @param targets      the continuous label, or null
 */
record LabelCells(int[] trainClasses, int[] testClasses, List<String> names, Dataset.Targets targets) {
    private static final int MAX_CLASS = 65_535;

    /**
     * @param name      the label column's name, for pictures
     * @param testLines the line of each test row, for a test row whose class the training rows do not have
     */
    static LabelCells of(String name, String[] train, String[] test, Rows where) throws IOException {
        boolean numeric = true;
        boolean whole = true;
        for (String[] cells : test == null ? new String[][] {train} : new String[][] {train, test}) {
            for (String c : cells) {
                double v = number(c);
                if (Double.isNaN(v)) {
                    numeric = false;
                    break;
                }
                whole &= v == Math.rint(v) && v >= 0 && v <= MAX_CLASS;
            }
        }
        if (numeric && whole) {
            return new LabelCells(classes(train), test == null ? null : classes(test), null, null);
        }
        if (numeric) {
            return new LabelCells(null, null, null, new Dataset.Targets(name, values(train),
                    test == null ? null : values(test)));
        }
        List<String> names = new ArrayList<>(new TreeSet<>(List.of(train)));
        int[] testClasses = null;
        if (test != null) {
            testClasses = new int[test.length];
            for (int i = 0; i < test.length; i++) {
                int k = java.util.Collections.binarySearch(names, test[i]);
                if (k < 0) {
                    throw new IOException(where.describe(i) + ": label \"" + test[i] + "\" is not a class of the training"
                            + " rows (" + (names.size() <= 10 ? names : names.size() + " classes") + ")");
                }
                testClasses[i] = k;
            }
        }
        int[] trainClasses = new int[train.length];
        for (int i = 0; i < train.length; i++) {
            trainClasses[i] = java.util.Collections.binarySearch(names, train[i]);
        }
        return new LabelCells(trainClasses, testClasses, names, null);
    }

    /** Where test row {@code i} came from: a file and line. */
    interface Rows {
        String describe(int i);
    }

    private static double number(String cell) {
        try {
            double v = Double.parseDouble(cell);
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static int[] classes(String[] cells) {
        int[] out = new int[cells.length];
        for (int i = 0; i < cells.length; i++) {
            out[i] = (int) Double.parseDouble(cells[i]);
        }
        return out;
    }

    private static float[] values(String[] cells) {
        float[] out = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
            out[i] = (float) Double.parseDouble(cells[i]);
        }
        return out;
    }
}
