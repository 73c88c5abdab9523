package io.layerwise.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    @Test
    void everyLineBeforeTheEndComesOutInOrderThenTheEndForGood() throws Exception {
        ProgressPrinter p = new ProgressPrinter(false);
        p.message("stage 1/1: dae");
        p.batch(0, 1, 2, 8000, 8000, 80.0, 0.2);
        p.epoch(0, 1, 2, 80.0, Map.of(), 0.2);
        p.message("finished: done");
        p.ended();
        List<String> out = new ArrayList<>();
        for (String line = p.next(); line != null; line = p.next()) {
            out.add(line);
        }
        assertEquals(3, out.size(), "a plain output prints one line per epoch, not the batch's: " + out);
        assertTrue(out.get(0).contains("stage 1/1: dae"), out.get(0));
        assertTrue(out.get(1).startsWith("Epoch 1/2"), out.get(1));
        assertTrue(out.get(2).contains("finished: done"), out.get(2));
        assertNull(p.next(), "the end stays the end");
    }

    /** The loop that prints waits for the job's thread, and wakes when the job ends, not at a polling interval. */
    @Test
    void theEndWakesAWaitingReader() throws Exception {
        ProgressPrinter p = new ProgressPrinter(false);
        List<String> out = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line = p.next(); line != null; line = p.next()) {
                    out.add(line);
                }
            } catch (InterruptedException e) {
                out.add("interrupted");
            }
        });
        reader.start();
        p.message("one");
        p.ended();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(!reader.isAlive(), "the reader did not see the end");
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).contains("one"), out.toString());
    }
}
