package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.layerwise.core.nn.RowHalves;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link VisibleUnits#errorThenMean}, the sampled train error's one pass, against the three calls it replaces. */
class VisibleUnitsTest {

    @ParameterizedTest
    @EnumSource(VisibleUnits.class)
    void errorThenMeanGivesTheErrorAndTheMeanOfTheSeparateCallsBitForBit(VisibleUnits units) {
        Nd4j.getRandom().setSeed(11);
        INDArray a = Nd4j.randn(DataType.FLOAT, 96, 400).muli(6); // pre-activations out to saturation
        INDArray v = Nd4j.rand(DataType.FLOAT, 96, 400);
        INDArray scratch = Nd4j.create(DataType.FLOAT, 96, 400);

        INDArray separate = a.dup();
        double error = units.error(separate, v, scratch);
        units.meanInPlace(separate);

        INDArray fused = a.dup();
        double fusedError = units.errorThenMean(fused, v, Nd4j.create(DataType.FLOAT, 96, 400), new RowHalves(96));
        assertEquals(error, fusedError, 0.0, "the summed error");
        assertArrayEquals(separate.data().asFloat(), fused.data().asFloat(), "E[v | h] in place");
    }
}
