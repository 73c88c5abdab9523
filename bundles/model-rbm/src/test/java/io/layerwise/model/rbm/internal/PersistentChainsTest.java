package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class PersistentChainsTest {

    @Test
    void aShorterBatchUsesTheFirstChainsAndALongerOneStartsAfresh() {
        try (PersistentChains chains = new PersistentChains(3, DataType.FLOAT)) {
            INDArray all = chains.rows(4);
            all.assign(1);
            chains.markStarted();
            INDArray first = chains.rows(2);
            assertEquals(2, first.rows());
            assertEquals(6.0, first.sumNumber().doubleValue(), "a view of the same states");
            first.assign(0);
            assertEquals(6.0, chains.rows(4).sumNumber().doubleValue(), "written through to the chains");
            assertTrue(chains.started());
            INDArray more = chains.rows(5);
            assertEquals(5, more.rows());
            assertFalse(chains.started(), "new chains are seeded from the data again");
            chains.markStarted();
            chains.reset();
            assertFalse(chains.started());
        }
    }
}
