package io.layerwise.report.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.report.Colouring;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class LatentChartsTest {

    /** n rows of d units: ten clusters, label i around centre i on unit 1. */
    private static float[] clusters(int n, int d, int[] labels) {
        Random r = new Random(5);
        float[] codes = new float[n * d];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < d; j++) {
                codes[i * d + j] = (float) (r.nextGaussian() * 0.1 + (j == 0 ? labels[i] : 0));
            }
        }
        return codes;
    }

    @Test
    void aTwoUnitCodeIsOneScatterWithALegendOfTenLabels() {
        int[] labels = new int[500];
        List<XYChart> charts = LatentCharts.charts(clusters(500, 2, labels), 500, 2, labels, "t");
        assertEquals(1, charts.size());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                List.copyOf(charts.get(0).getSeriesMap().keySet()));
        assertEquals(50, charts.get(0).getSeriesMap().get("3").getXData().length);
    }

    @Test
    void aThreeUnitCodeIsThreeProjections() {
        int[] labels = new int[200];
        List<XYChart> charts = LatentCharts.charts(clusters(200, 3, labels), 200, 3, labels, "t");
        assertEquals(3, charts.size());
        charts.forEach(c -> assertEquals(10, c.getSeriesMap().size()));
        assertEquals("unit 2", charts.get(2).getXAxisTitle());
        assertEquals("unit 3", charts.get(2).getYAxisTitle());
    }

    @Test
    void aWiderCodeIsDrawnOnItsPrincipalComponents() {
        int[] labels = new int[300];
        List<XYChart> charts = LatentCharts.charts(clusters(300, 30, labels), 300, 30, labels, "t");
        assertEquals(1, charts.size());
        assertTrue(charts.get(0).getXAxisTitle().startsWith("PC 1"), charts.get(0).getXAxisTitle());
    }

    @Test
    void withoutLabelsThereIsOneSeries() {
        int[] labels = new int[100];
        List<XYChart> charts = LatentCharts.charts(clusters(100, 2, labels), 100, 2, (int[]) null, "t");
        assertEquals(1, charts.get(0).getSeriesMap().size());
    }

    @Test
    void namedClassesNameTheLegend() {
        int[] labels = new int[100];
        float[] codes = clusters(100, 2, labels);
        for (int i = 0; i < 100; i++) {
            labels[i] = i % 2;
        }
        List<XYChart> charts = LatentCharts.charts(codes, 100, 2, Colouring.byClass(labels, List.of("cat", "dog")), "t");
        assertEquals(List.of("cat", "dog"), List.copyOf(charts.get(0).getSeriesMap().keySet()));
    }

    /** A continuous value in ten equal bands of its range, named by their bounds, each point in its own band. */
    @Test
    void aContinuousValueIsDrawnInTenBandsOfItsRange() {
        int n = 200;
        float[] codes = new float[2 * n];
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = 5 + 10f * i / (n - 1); // 5 .. 15
            codes[2 * i] = t[i];
        }
        List<XYChart> charts = LatentCharts.charts(codes, n, 2, Colouring.byValue(t, "t"), "roll");
        List<String> names = List.copyOf(charts.get(0).getSeriesMap().keySet());
        assertEquals(10, names.size());
        assertEquals("t 5.00\u20136.00", names.get(0));
        assertEquals("t 14.0\u201315.0", names.get(9));
        for (String name : names) {
            double[] x = charts.get(0).getSeriesMap().get(name).getXData();
            double lo = Double.parseDouble(name.substring(2, name.indexOf('\u2013')));
            for (double v : x) {
                assertTrue(v >= lo - 1e-3 && v <= lo + 1.0 + 1e-3, name + " holds " + v);
            }
            assertEquals(20, x.length, name);
        }
    }

    @Test
    void pcaFindsTheDirectionOfLargestVarianceFirst() {
        // variance 9 along (1,1,0,0)/sqrt2, 1 along (0,0,1,0), nearly none elsewhere
        Random r = new Random(9);
        int n = 4000;
        float[] x = new float[n * 4];
        for (int i = 0; i < n; i++) {
            double a = 3 * r.nextGaussian();
            double b = r.nextGaussian();
            x[i * 4] = (float) (a / Math.sqrt(2) + 5);
            x[i * 4 + 1] = (float) (a / Math.sqrt(2));
            x[i * 4 + 2] = (float) b;
            x[i * 4 + 3] = (float) (0.01 * r.nextGaussian());
        }
        Pca2 pca = Pca2.fit(x, n, 4);
        assertEquals(1 / Math.sqrt(2), Math.abs(pca.components()[0][0]), 0.01);
        assertEquals(1 / Math.sqrt(2), Math.abs(pca.components()[0][1]), 0.01);
        assertEquals(1, Math.abs(pca.components()[1][2]), 0.01);
        assertEquals(0.9, pca.variance()[0], 0.02); // 9 / (9 + 1)
        assertEquals(0.1, pca.variance()[1], 0.02);
        assertEquals(5, pca.mean()[0], 0.2);
    }
}
