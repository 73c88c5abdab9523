package io.layerwise.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void theBarIsThirtyCharactersWithItsTipAtTheShareDone() {
        assertEquals("..............................", ProgressLine.bar(0, 8000));
        assertEquals("..............................", ProgressLine.bar(200, 8000), "less than one step of 1/30");
        assertEquals(">.............................", ProgressLine.bar(267, 8000));
        assertEquals("==================>...........", ProgressLine.bar(5120, 8000)); // 19.2 of 30
        assertEquals("============================>.", ProgressLine.bar(7999, 8000), "29 of 30 steps: floor, not round");
        assertEquals("==============================", ProgressLine.bar(8000, 8000));
        assertEquals("==============================", ProgressLine.bar(0, 0), "nothing to do is done");
        for (int done = 0; done <= 8000; done += 37) {
            assertEquals(ProgressLine.BAR_WIDTH, ProgressLine.bar(done, 8000).length());
        }
    }

    @Test
    void etaIsWholeSecondsThenMinutesThenHours() {
        assertEquals("0s", ProgressLine.eta(0.4));
        assertEquals("1s", ProgressLine.eta(1.2));
        assertEquals("59s", ProgressLine.eta(59.4));
        assertEquals("1:00", ProgressLine.eta(59.6));
        assertEquals("2:05", ProgressLine.eta(125));
        assertEquals("59:59", ProgressLine.eta(3599));
        assertEquals("1:00:00", ProgressLine.eta(3600));
        assertEquals("27:46:40", ProgressLine.eta(100_000));
        assertEquals("?", ProgressLine.eta(Double.NaN));
        assertEquals("?", ProgressLine.eta(Double.POSITIVE_INFINITY));
        assertEquals("?", ProgressLine.eta(-1));
    }

    @Test
    void onATerminalTheRunningLineIsRedrawnInPlaceAndTheEpochLineEndsIt() {
        ProgressLine p = new ProgressLine(true);
        assertEquals("\rEpoch 3/15 [========>.....................] 2560/8000 - ETA 12s - loss: 80.1234",
                p.batch(3, 15, 2560, 8000, 12.3, 80.12344));
        assertEquals("\rEpoch 3/15 [==================>...........] 5120/8000 - ETA 1s - loss: 80.1200 ",
                p.batch(3, 15, 5120, 8000, 1.2, 80.12), "one blank over the last character of \"ETA 12s\"'s line");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_loss", 79.31);
        metrics.put("testReconstructionCE", 79.0);
        assertEquals("\rEpoch 3/15 [==============================] 8000/8000 - 2.31s - loss: 80.1200 - val_loss: 79.3100"
                + " - testReconstructionCE: 79.0000\n", p.epoch(3, 15, 8000, 2.314, 80.12, metrics));
        // a shorter line than the one on screen blanks what is left of it
        ProgressLine q = new ProgressLine(true);
        String longer = q.batch(1, 2, 50, 100, 3600, 123456.5);
        String shorter = q.batch(1, 2, 60, 100, 1, 1);
        assertEquals(longer.length(), shorter.length(), shorter);
        assertEquals("\rEpoch 1/2 [=================>............] 60/100 - ETA 1s - loss: 1.0000" + " ".repeat(10),
                shorter, "10 blanks: \"1:00:00\" and \"123456.5000\" are 5 characters longer each");
    }

    @Test
    void withoutATerminalOnlyFinishedEpochsPrintAsPlainLines() {
        ProgressLine p = new ProgressLine(false);
        assertEquals("", p.batch(3, 15, 5120, 8000, 1.2, 80.12));
        assertEquals("Epoch 3/15 [==============================] 8000/8000 - 2.31s - loss: 80.1200\n",
                p.epoch(3, 15, 8000, 2.31, 80.12, Map.of()));
        assertEquals("stage 2/2: rbm 500 -> 250\n", p.message("stage 2/2: rbm 500 -> 250"));
        assertEquals("Epoch 1/1 - 0.50s - loss: 1.0000 - val_loss: 2.0000\n",
                p.epoch(1, 1, 0, 0.5, 1, Map.of("val_loss", 2.0)), "no sample count, no bar");
    }

    @Test
    void aMessageEndsAnUnfinishedInPlaceLineFirst() {
        ProgressLine p = new ProgressLine(true);
        p.batch(1, 5, 10, 100, 9, 1);
        assertEquals("\nstage 1 (dae): something to say\n", p.message("stage 1 (dae): something to say"));
        assertEquals("next\n", p.message("next"));
        assertEquals("\rEpoch 1/5 [===>..........................] 14/100 - ETA 8s - loss: 1.0000",
                p.batch(1, 5, 14, 100, 8, 1), "a fresh line: nothing to blank");
    }

    @Test
    void theStatusLineShowsTheLastValLossAndLeavesOutWhatIsUnknown() {
        assertEquals("Epoch 3/15 [==================>...........] 5120/8000 - ETA 1s - loss: 80.1200 - val_loss: 79.3100",
                ProgressLine.running(3, 15, 5120, 8000, 1.2, 80.12, 79.31));
        assertEquals("Epoch 1/15 [..............................] 0/8000 - ETA ?",
                ProgressLine.running(1, 15, 0, 8000, Double.NaN, Double.NaN, Double.NaN));
    }
}
