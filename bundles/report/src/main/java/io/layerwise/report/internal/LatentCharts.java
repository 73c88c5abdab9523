package io.layerwise.report.internal;

import io.layerwise.report.Colouring;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Scatter plots of codes coloured by label (one series and legend entry per label) or by a continuous value (one per
 * tenth of its range, on a dark-to-light colour scale, so the legend reads as a colour bar): a code of 2 units is drawn as
 * is; one of 3 units as its three 2-D projections; a wider one on its two leading principal components.
 */
public final class LatentCharts {
    private static final int SIZE = 420;

    private LatentCharts() {
    }

    /** Ten bands of a continuous value, from dark blue through green to yellow (viridis' stops). */
    private static final java.awt.Color[] SCALE = {
        new java.awt.Color(68, 1, 84), new java.awt.Color(72, 40, 120), new java.awt.Color(62, 74, 137),
        new java.awt.Color(49, 104, 142), new java.awt.Color(38, 130, 142), new java.awt.Color(31, 158, 137),
        new java.awt.Color(53, 183, 121), new java.awt.Color(109, 205, 89), new java.awt.Color(180, 222, 44),
        new java.awt.Color(253, 231, 37)};

    /**
     * @param codes  {@code n x d} row-major
     * @param labels one per row, or null (one series)
     */
    public static List<XYChart> charts(float[] codes, int n, int d, int[] labels, String title) {
        return charts(codes, n, d, Colouring.byClass(labels, null), title);
    }

    /** @param colouring classes or values, one per row, or {@link Colouring#NONE} */
    public static List<XYChart> charts(float[] codes, int n, int d, Colouring colouring, String title) {
        Series series = Series.of(colouring);
        int[] labels = series.groups();
        if (d < 1 || n < 1 || (long) n * d != codes.length) {
            throw new IllegalArgumentException(n + " x " + d + " codes do not match " + codes.length + " values");
        }
        List<XYChart> charts = new ArrayList<>();
        if (d == 1) {
            double[][] xy = new double[n][];
            for (int i = 0; i < n; i++) {
                xy[i] = new double[] {codes[i], labels == null ? 0 : labels[i] + jitter(i)};
            }
            charts.add(scatter(title + ": the 1-unit code", "unit 1", labels == null ? "" : "label", xy, series));
        } else if (d == 2) {
            charts.add(scatter(title + ": the 2-unit code", "unit 1", "unit 2", columns(codes, n, d, 0, 1), series));
        } else if (d == 3) {
            int[][] pairs = {{0, 1}, {0, 2}, {1, 2}};
            for (int[] p : pairs) {
                XYChart c = scatter(title + ": units " + (p[0] + 1) + " and " + (p[1] + 1), "unit " + (p[0] + 1),
                        "unit " + (p[1] + 1), columns(codes, n, d, p[0], p[1]), series);
                if (p[0] == 0) { // one legend, beside the last panel
                    c.getStyler().setLegendVisible(false);
                }
                charts.add(c);
            }
        } else {
            Pca2 pca = Pca2.fit(codes, n, d);
            double[][] xy = new double[n][];
            for (int i = 0; i < n; i++) {
                xy[i] = pca.project(codes, i);
            }
            charts.add(scatter(String.format(Locale.ROOT, "%s: the %d-unit code, PCA to 2-D", title, d),
                    String.format(Locale.ROOT, "PC 1 (%.0f%% of variance)", 100 * pca.variance()[0]),
                    String.format(Locale.ROOT, "PC 2 (%.0f%% of variance)", 100 * pca.variance()[1]), xy, series));
        }
        return charts;
    }

    /**
     * Axes over the central 99% of the points on each axis (0.5th to 99.5th percentile, padded by 5%): codes are
     * often heavy-tailed, and a few far points would otherwise squeeze the classes into the middle.
     */
    static void zoom(XYChart chart, double[][] xy) {
        if (xy.length < 200) {
            return;
        }
        for (int axis = 0; axis < 2; axis++) {
            double[] v = new double[xy.length];
            for (int i = 0; i < xy.length; i++) {
                v[i] = xy[i][axis];
            }
            java.util.Arrays.sort(v);
            double lo = v[(int) (0.005 * (v.length - 1))];
            double hi = v[(int) Math.ceil(0.995 * (v.length - 1))];
            double pad = 0.05 * (hi - lo);
            if (!(hi > lo)) {
                continue;
            }
            if (axis == 0) {
                chart.getStyler().setXAxisMin(lo - pad).setXAxisMax(hi + pad);
            } else {
                chart.getStyler().setYAxisMin(lo - pad).setYAxisMax(hi + pad);
            }
        }
    }

    private static double jitter(int i) {
        return ((i * 0x9E3779B1L >>> 7) % 1000) / 1000.0 * 0.6 - 0.3;
    }

    private static double[][] columns(float[] codes, int n, int d, int a, int b) {
        double[][] xy = new double[n][];
        for (int i = 0; i < n; i++) {
            xy[i] = new double[] {codes[i * d + a], codes[i * d + b]};
        }
        return xy;
    }

    private static XYChart scatter(String title, String xTitle, String yTitle, double[][] xy, Series series) {
        int[] labels = series.groups();
        XYChart chart = Charts.xy(title, xTitle, yTitle, SIZE + (labels == null ? 0 : 50 + series.extraWidth()), SIZE,
                true);
        zoom(chart, xy);
        if (labels == null) {
            add(chart, "test rows", xy, null, -1, Charts.classColour(0, 150));
            chart.getStyler().setLegendVisible(false);
            return chart;
        }
        for (int c = 0; c < series.names().size(); c++) {
            add(chart, series.names().get(c), xy, labels, c, series.colour(c));
        }
        return chart;
    }

    /** The legend's entries: one per class, or one per band of a continuous value; each point's entry. */
    private record Series(int[] groups, List<String> names, boolean bands) {
        static Series of(Colouring c) {
            if (c.classes() != null) {
                int classes = 0;
                for (int y : c.classes()) {
                    classes = Math.max(classes, y + 1);
                }
                List<String> names = new ArrayList<>();
                for (int k = 0; k < classes; k++) {
                    names.add(c.names() != null && k < c.names().size() ? c.names().get(k) : Integer.toString(k));
                }
                return new Series(c.classes(), names, false);
            }
            if (c.values() == null || c.values().length == 0) {
                return new Series(null, List.of(), false);
            }
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float v : c.values()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            int bands = SCALE.length;
            double width = hi > lo ? (hi - (double) lo) / bands : 1;
            int[] groups = new int[c.values().length];
            for (int i = 0; i < groups.length; i++) {
                groups[i] = (int) Math.min(bands - 1, Math.floor((c.values()[i] - lo) / width));
            }
            List<String> names = new ArrayList<>();
            for (int k = 0; k < bands; k++) {
                names.add(String.format(Locale.ROOT, "%s %.3g\u2013%.3g", c.valueName(), lo + k * width,
                        lo + (k + 1) * width));
            }
            return new Series(groups, names, true);
        }

        java.awt.Color colour(int group) {
            if (!bands) {
                return Charts.classColour(group, 150);
            }
            java.awt.Color s = SCALE[group];
            return new java.awt.Color(s.getRed(), s.getGreen(), s.getBlue(), 190);
        }

        /** Band names are longer than class numbers. */
        int extraWidth() {
            return bands ? 60 : 0;
        }
    }

    private static void add(XYChart chart, String name, double[][] xy, int[] labels, int label, java.awt.Color colour) {
        int count = 0;
        for (int i = 0; i < xy.length; i++) {
            if (labels == null || labels[i] == label) {
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        double[] x = new double[count];
        double[] y = new double[count];
        int k = 0;
        for (int i = 0; i < xy.length; i++) {
            if (labels == null || labels[i] == label) {
                x[k] = xy[i][0];
                y[k++] = xy[i][1];
            }
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(colour);
    }
}
