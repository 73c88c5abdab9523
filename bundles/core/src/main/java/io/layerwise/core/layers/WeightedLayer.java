package io.layerwise.core.layers;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A layer with a weight and a bias (conv, conv-transpose, dense) and their gradients, shaped alike. */
abstract class WeightedLayer extends ShapedLayer {
    final INDArray weight;
    final INDArray bias;
    final INDArray gradWeight;
    final INDArray gradBias;

    WeightedLayer(Shape in, Shape out, INDArray weight, INDArray bias) {
        super(in, out);
        this.weight = weight;
        this.bias = bias;
        this.gradWeight = Nd4j.create(weight.dataType(), weight.shape());
        this.gradBias = Nd4j.create(bias.dataType(), bias.shape());
    }

    @Override
    public final List<INDArray> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public final List<INDArray> gradients() {
        return List.of(gradWeight, gradBias);
    }

    @Override
    public final List<String> parameterNames() {
        return List.of("weight", "bias");
    }
}
