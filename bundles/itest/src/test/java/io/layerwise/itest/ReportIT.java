package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The report bundle (with XChart embedded) resolves in the real framework, and a run of a small stack that is
 * unrolled and fine-tuned leaves every picture of docs/pictures.md and a report.html that holds them;
 * layerwise:show summarises the run.
 */
class ReportIT {
    @RegisterExtension
    static final EmbeddedFelix felix = EmbeddedFelix.withSyntheticMnist();

    @Test
    void aRunLeavesEveryPictureAndAReportThatShowSummarises() throws Exception {
        Path pipeline = PlatformIT.pipeline(felix.work(), "pictures", """
                {"name": "pictures", "seed": 3, "data": {"source": "mnist"},
                 "stages": [
                   {"type": "dae", "hidden": 16, "noise": {"kind": "mask", "level": 0.3},
                    "train": {"epochs": 3, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}},
                   {"type": "ae", "hidden": 2, "encoder": "identity",
                    "train": {"epochs": 2, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.01}}}],
                 "finetune": {"unroll": true, "epochs": 2, "batch": 20, "validation": 0.1,
                              "optimizer": {"kind": "sgd", "lr": 0.01}}}
                """);
        Path out = felix.work().resolve("run");
        Shell.Result r = Shell.exec(felix.platform(), "layerwise:run --out " + out + " " + pipeline);
        assertEquals(0, r.exitCode(), r.all());
        Shell.Result show = Shell.exec(felix.platform(), "layerwise:show " + out);
        assertEquals(0, show.exitCode(), show.all());
        List<String> pictures = List.of("loss.png", "latent.png", "stage-1-dae/filters.png", "stage-1-dae/filters.gif",
                "stage-1-dae/reconstructions.png", "stage-2-ae/filters.png", "stage-2-ae/filters.gif",
                "finetune/reconstructions.png");
        for (String p : pictures) {
            assertTrue(Files.size(out.resolve(p)) > 0, p);
        }
        assertFalse(Files.exists(out.resolve("stage-2-ae/reconstructions.png")), "stage 2 reconstructs codes, not digits");
        try (ImageInputStream in = ImageIO.createImageInputStream(out.resolve("stage-1-dae/filters.gif").toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(3, reader.getNumImages(true), "one frame per epoch");
        }
        BufferedImage rec = ImageIO.read(out.resolve("stage-1-dae/reconstructions.png").toFile());
        assertEquals(3 * (2 * 28 + 4) + 4, rec.getHeight(), "inputs, corrupted inputs, reconstructions");
        String html = Files.readString(out.resolve("report.html"));
        for (String p : pictures) {
            assertTrue(html.contains("alt=\"" + p + "\""), p + " is in report.html");
        }
        assertFalse(html.contains("http://") || html.contains("https://"), "report.html loads nothing from elsewhere");
        assertTrue(show.out().contains("stage 2  ae 16 -> 2: 2 epochs, loss"), show.out());
        assertTrue(show.out().contains("finetune autoencoder: 2 epochs"), show.out());
        assertTrue(show.out().contains("report   " + out.resolve("report.html")), show.out());
    }
}
