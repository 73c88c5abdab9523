package io.layerwise.report.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class LossChartsTest {

    static Map<String, Object> epoch(int e, double loss, Map<String, Object> metrics) {
        return Map.of("epoch", (long) e, "loss", loss, "seconds", 1.0, "metrics", metrics);
    }

    @Test
    void everyStageAndFineTuningGetAPanel() {
        Map<String, Object> history = Map.of(
                "stages", List.of(
                        Map.of("index", 1L, "type", "dae", "inputSize", 784L, "outputSize", 32L, "epochs", List.of(
                                epoch(1, 90.0, Map.of("testReconstructionCE", 85.0)),
                                epoch(2, 80.0, Map.of("testReconstructionCE", 79.0)))),
                        Map.of("index", 2L, "type", "ae", "inputSize", 32L, "outputSize", 2L, "epochs", List.of(
                                epoch(1, 5.0, Map.of("val_loss", 6.0, "testSquaredError", 1.0))))),
                "finetune", Map.of("head", "autoencoder", "epochs", List.of(
                        epoch(1, 70.0, Map.of("valLoss", 71.0, "valSquaredError", 20.0)))));
        List<XYChart> charts = LossCharts.charts(history);
        assertEquals(3, charts.size());
        XYChart first = charts.get(0);
        assertEquals(List.of("training loss", "testReconstructionCE"), List.copyOf(first.getSeriesMap().keySet()));
        assertEquals(0, first.getSeriesMap().get("testReconstructionCE").getYAxisGroup(), "a metric of the loss's size shares its axis");
        assertTrue(first.getTitle().startsWith("stage 1 (dae 784"));
        // a validation loss, when recorded, is what is drawn beside the training loss
        assertEquals(List.of("training loss", "val_loss"), List.copyOf(charts.get(1).getSeriesMap().keySet()));
        assertEquals(0, charts.get(1).getSeriesMap().get("val_loss").getYAxisGroup());
        assertEquals(List.of("training loss", "valLoss"), List.copyOf(charts.get(2).getSeriesMap().keySet()));
    }

    @Test
    void aValLossBesideTheLossInTheEpochRecordIsDrawnToo() {
        Map<String, Object> history = Map.of("stages", List.of(Map.of("index", 1L, "type", "dae", "epochs", List.of(
                Map.of("epoch", 1L, "loss", 80.0, "val_loss", 82.0, "metrics", Map.of("testReconstructionCE", 81.0)),
                Map.of("epoch", 2L, "loss", 75.0, "val_loss", 78.0, "metrics", Map.of("testReconstructionCE", 77.0))))));
        XYChart c = LossCharts.charts(history).get(0);
        assertEquals(List.of("training loss", "val_loss"), List.copyOf(c.getSeriesMap().keySet()));
        assertEquals(2, c.getSeriesMap().get("val_loss").getXData().length);
    }

    @Test
    void theAisEstimatesDiagnosticsAreLeftOutAndTheLikelihoodDrawnWhereRecorded() {
        Map<String, Object> history = Map.of("stages", List.of(Map.of("index", 1L, "type", "rbm", "epochs", List.of(
                epoch(1, 80.0, Map.of("testReconstructionCE", 81.0)),
                epoch(2, 70.0, new java.util.LinkedHashMap<>(Map.of("testReconstructionCE", 72.0,
                        "testLogLikelihoodAIS", -140.0, "aisLogZ", 560.0, "aisLogWeightStd", 1.0,
                        "aisEffectiveRuns", 19.0)))))));
        XYChart c = LossCharts.charts(history).get(0);
        assertEquals(java.util.Set.of("training loss", "testReconstructionCE", "testLogLikelihoodAIS"),
                c.getSeriesMap().keySet());
        assertEquals(1, c.getSeriesMap().get("testLogLikelihoodAIS").getXData().length, "the last epoch only");
    }

    @Test
    void heldOutMetricsOfAnotherScaleGetTheRightHandAxis() {
        Map<String, Object> history = Map.of("stages", List.of(Map.of("index", 1L, "type", "rbm", "epochs", List.of(
                epoch(1, 70.0, Map.of("testReconstructionCE", 72.0, "pseudoLogLikelihood", -90.0, "freeEnergyGap", 1.5))))));
        XYChart c = LossCharts.charts(history).get(0);
        assertEquals(0, c.getSeriesMap().get("testReconstructionCE").getYAxisGroup());
        assertEquals(1, c.getSeriesMap().get("pseudoLogLikelihood").getYAxisGroup());
        assertEquals(1, c.getSeriesMap().get("freeEnergyGap").getYAxisGroup());
    }

    @Test
    void aStageWithoutEpochsHasNoPanel() {
        assertEquals(0, LossCharts.charts(Map.of("stages", List.of(Map.of("index", 1L, "type", "rbm", "epochs", List.of()))))
                .size());
    }
}
