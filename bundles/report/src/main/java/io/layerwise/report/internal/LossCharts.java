package io.layerwise.report.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.YAxisPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One panel per stage of history.json (and one for fine-tuning): the mean training loss per epoch and, on the same
 * axis, the validation loss where history records one ({@code val_loss} beside the loss, or a metric {@code val_loss}
 * or {@code valLoss}); where it does not, the held-out metrics: on the same axis when their values are of the loss's
 * size (a held-out reconstruction error), else on an axis of their own at the right.
 */
public final class LossCharts {
    /** Metric names taken for a validation loss, comparable with the training loss on one axis. */
    public static final Set<String> VALIDATION_LOSS = Set.of("val_loss", "valLoss");
    /** Diagnostics of an estimate, not figures of the model: left out of the panels (an RBM's AIS log Z and spread). */
    public static final Set<String> NOT_DRAWN = Set.of("aisLogZ", "aisLogWeightStd", "aisEffectiveRuns");

    private LossCharts() {
    }

    /** A panel for every stage (and fine-tuning) with at least one epoch. */
    @SuppressWarnings("unchecked")
    public static List<XYChart> charts(Map<String, Object> history) {
        List<XYChart> charts = new ArrayList<>();
        if (history.get("stages") instanceof List<?> stages) {
            for (Object o : stages) {
                Map<String, Object> stage = (Map<String, Object>) o;
                String title = "stage " + number(stage.get("index")) + " (" + stage.get("type") + " "
                        + number(stage.get("inputSize")) + " \u2192 " + number(stage.get("outputSize")) + ")";
                XYChart c = chart(title, stage);
                if (c != null) {
                    charts.add(c);
                }
            }
        }
        if (history.get("finetune") instanceof Map<?, ?> f) {
            XYChart c = chart("fine-tuning (" + f.get("head") + ")", (Map<String, Object>) f);
            if (c != null) {
                charts.add(c);
            }
        }
        return charts;
    }

    private static String number(Object o) {
        return o instanceof Number n ? Long.toString(n.longValue()) : String.valueOf(o);
    }

    @SuppressWarnings("unchecked")
    private static XYChart chart(String title, Map<String, Object> entry) {
        if (!(entry.get("epochs") instanceof List<?> epochs) || epochs.isEmpty()) {
            return null;
        }
        List<Double> x = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        Map<String, List<double[]>> metrics = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (Object o : epochs) {
            Map<String, Object> e = (Map<String, Object>) o;
            double epoch = e.get("epoch") instanceof Number n ? n.doubleValue() : x.size() + 1;
            if (e.get("loss") instanceof Number l && Double.isFinite(l.doubleValue())) {
                x.add(epoch);
                loss.add(l.doubleValue());
            }
            Map<String, Object> values = new LinkedHashMap<>();
            if (e.get("val_loss") != null) {
                values.put("val_loss", e.get("val_loss")); // beside loss in an epoch's record, when recorded
            }
            if (e.get("metrics") instanceof Map<?, ?> m) {
                values.putAll((Map<String, Object>) m);
            }
            for (var me : values.entrySet()) {
                if (me.getValue() instanceof Number v && Double.isFinite(v.doubleValue())
                        && !NOT_DRAWN.contains(me.getKey())) {
                    names.add(me.getKey());
                    metrics.computeIfAbsent(me.getKey(), k -> new ArrayList<>()).add(new double[] {epoch, v.doubleValue()});
                }
            }
        }
        List<String> validation = names.stream().filter(VALIDATION_LOSS::contains).toList();
        List<String> plotted = validation.isEmpty() ? List.copyOf(names) : validation;
        if (loss.isEmpty() && plotted.isEmpty()) {
            return null;
        }
        XYChart chart = Charts.xy(title, "epoch", loss.isEmpty() ? "held-out metrics" : "mean loss per sample", 560, 320,
                false);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisDecimalPattern("#0");
        int colour = 0;
        if (!loss.isEmpty()) {
            XYSeries s = chart.addSeries("training loss", x, loss);
            style(s, colour++);
        }
        double lo = loss.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double hi = loss.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        boolean rightAxis = false;
        for (String name : plotted) {
            List<double[]> points = metrics.get(name);
            double[] mx = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] my = points.stream().mapToDouble(p -> p[1]).toArray();
            XYSeries s = chart.addSeries(name, mx, my);
            style(s, colour++);
            if (validation.isEmpty() && !loss.isEmpty() && !comparable(my, lo, hi)) {
                s.setYAxisGroup(1);
                rightAxis = true;
            }
        }
        if (rightAxis) {
            chart.getStyler().setYAxisGroupPosition(1, YAxisPosition.Right);
            chart.setYAxisGroupTitle(1, "held-out metrics");
        }
        return chart;
    }

    /**
     * Whether a held-out metric shares the loss's axis: all its values positive and within a factor of three of the
     * loss's range (a held-out reconstruction error beside the training reconstruction error), so one scale serves.
     */
    static boolean comparable(double[] values, double lo, double hi) {
        if (!(lo > 0)) {
            return false;
        }
        for (double v : values) {
            if (!(v >= lo / 3 && v <= hi * 3)) {
                return false;
            }
        }
        return true;
    }

    private static void style(XYSeries s, int colour) {
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(Charts.classColour(colour, 255));
        s.setMarkerColor(Charts.classColour(colour, 255));
    }
}
