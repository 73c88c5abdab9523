package io.layerwise.report.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Scatter plots of codes coloured by label, one series (and legend entry) per label: a code of 2 units is drawn as
 * is; one of 3 units as its three 2-D projections; a wider one on its two leading principal components.
 */
public final class LatentCharts {
    private static final int SIZE = 420;

    private LatentCharts() {
    }

    /**
     * @param codes  {@code n x d} row-major
     * @param labels one per row, or null (one series)
     */
    public static List<XYChart> charts(float[] codes, int n, int d, int[] labels, String title) {
        if (d < 1 || n < 1 || (long) n * d != codes.length) {
            throw new IllegalArgumentException(n + " x " + d + " codes do not match " + codes.length + " values");
        }
        List<XYChart> charts = new ArrayList<>();
        if (d == 1) {
            double[][] xy = new double[n][];
            for (int i = 0; i < n; i++) {
                xy[i] = new double[] {codes[i], labels == null ? 0 : labels[i] + jitter(i)};
            }
            charts.add(scatter(title + ": the 1-unit code", "unit 1", labels == null ? "" : "label", xy, labels));
        } else if (d == 2) {
            charts.add(scatter(title + ": the 2-unit code", "unit 1", "unit 2", columns(codes, n, d, 0, 1), labels));
        } else if (d == 3) {
            int[][] pairs = {{0, 1}, {0, 2}, {1, 2}};
            for (int[] p : pairs) {
                XYChart c = scatter(title + ": units " + (p[0] + 1) + " and " + (p[1] + 1), "unit " + (p[0] + 1),
                        "unit " + (p[1] + 1), columns(codes, n, d, p[0], p[1]), labels);
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
                    String.format(Locale.ROOT, "PC 2 (%.0f%% of variance)", 100 * pca.variance()[1]), xy, labels));
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

    private static XYChart scatter(String title, String xTitle, String yTitle, double[][] xy, int[] labels) {
        XYChart chart = Charts.xy(title, xTitle, yTitle, SIZE + (labels == null ? 0 : 50), SIZE, true);
        zoom(chart, xy);
        int classes = 0;
        if (labels != null) {
            for (int y : labels) {
                classes = Math.max(classes, y + 1);
            }
        }
        if (classes == 0) {
            add(chart, "test rows", xy, null, -1, 0);
            chart.getStyler().setLegendVisible(false);
            return chart;
        }
        for (int c = 0; c < classes; c++) {
            add(chart, Integer.toString(c), xy, labels, c, c);
        }
        return chart;
    }

    private static void add(XYChart chart, String name, double[][] xy, int[] labels, int label, int colour) {
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
        s.setMarkerColor(Charts.classColour(colour, 150));
    }
}
