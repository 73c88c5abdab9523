package io.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
    @TempDir
    Path run;

    private void fakeRun() throws Exception {
        Files.writeString(run.resolve("pipeline.json"), "{\"name\": \"tiny <dae>\", \"stages\": [{\"type\": \"dae\"}]}");
        Files.writeString(run.resolve("history.json"), """
                {"pipeline": "tiny", "status": "running", "stages": [
                  {"index": 1, "type": "dae", "bundle": "io.layerwise.model-dae", "bundleVersion": "0.1.0",
                   "inputSize": 4, "outputSize": 2, "epochs": [
                     {"epoch": 1, "loss": 2.5, "seconds": 0.1, "metrics": {"testReconstructionCE": 2.25}},
                     {"epoch": 2, "loss": 2.0, "val_loss": 2.125, "seconds": 0.1, "metrics": {"testReconstructionCE": 1.875}}]}]}
                """);
        Path stage = Files.createDirectories(run.resolve("stage-1-dae"));
        FilterTiles.writeFilters(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 4, 2, 100, stage.resolve("filters.png"));
        LatentPicture.write(run.resolve("latent.png"), new FloatMatrix(3, 2, new float[] {0, 0, 1, 1, 2, 0}),
                new int[] {0, 1, 2}, "tiny");
        FilterAnimation a = new FilterAnimation(1, 2);
        a.add(1, new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 4, 2);
        a.write(stage.resolve("filters.gif"));
    }

    @Test
    void theReportHoldsEveryPictureInlineAndNothingFromElsewhere() throws Exception {
        fakeRun();
        Path report = RunReport.write(run, "done");
        assertEquals(run.resolve("report.html"), report);
        assertTrue(Files.exists(run.resolve("loss.png")), "loss.png is drawn from history.json");
        String html = Files.readString(report);
        List<Path> pictures = RunReport.pictures(run);
        assertEquals(List.of(Path.of("loss.png"), Path.of("latent.png"), Path.of("stage-1-dae/filters.png"),
                Path.of("stage-1-dae/filters.gif")), pictures);
        for (Path p : pictures) {
            assertTrue(html.contains("alt=\"" + p + "\""), p + " missing from the report");
        }
        assertEquals(4, html.split("src=\"data:image/", -1).length - 1);
        assertTrue(html.contains("data:image/gif;base64,"));
        assertFalse(html.contains("http://") || html.contains("https://"), "no external references");
        assertFalse(html.contains("<script"));
        assertTrue(html.contains("tiny &lt;dae&gt;"), "pipeline.json is shown, escaped");
        assertTrue(html.contains("<th>val_loss</th><th>testReconstructionCE</th>"), "history table columns");
        assertTrue(html.contains("<td>2.1250</td><td>1.8750</td>"), "history table");
        assertTrue(html.contains("<b>done</b>"));
    }

    @Test
    void theSummaryNamesStagesEpochsFinalFiguresAndPictures() throws Exception {
        fakeRun();
        RunReport.write(run, null);
        String s = RunReport.summary(run);
        assertTrue(s.contains("stage 1  dae 4 -> 2: 2 epochs, loss 2.0000, val_loss 2.1250, testReconstructionCE 1.8750"), s);
        assertTrue(s.contains("stage-1-dae/filters.gif"), s);
        assertTrue(s.contains("report   " + run.resolve("report.html")), s);
    }
}
