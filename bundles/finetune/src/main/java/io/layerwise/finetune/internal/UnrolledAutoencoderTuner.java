package io.layerwise.finetune.internal;

import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.finetune.HeadType;
import io.layerwise.api.finetune.Network;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.core.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Fine-tuning head {@code autoencoder} (a pipeline's {@code "unroll": true}): the pretrained encoders followed by
 * the stages' decoders in reverse order, initialised from the pretrained weights (the transposed encoder weights for
 * tied autoencoders), and trained together to reconstruct the input (Hinton and Salakhutdinov 2006). The last
 * decoder's activation picks the loss: sigmoid with cross-entropy, identity with squared error.
 */
@Component(service = FineTuner.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@HeadType("autoencoder")
public final class UnrolledAutoencoderTuner implements FineTuner {

    @Override
    public Network create(Spec spec, List<DenseLayer> encoders, List<DenseLayer> decoders, int inputs, int classes,
            long seed) {
        FineTuneOptions options = FineTuneOptions.readTraining(spec);
        for (int i = 0; i < decoders.size(); i++) {
            if (decoders.get(i) == null) {
                throw new SpecException(spec.pathOf("unroll"), "stages[" + i + "] has no decoder to unroll");
            }
        }
        return new MlpNetwork(build(encoders, decoders, inputs, DataType.FLOAT), options);
    }

    static Mlp build(List<DenseLayer> encoders, List<DenseLayer> decoders, int inputs, DataType type) {
        if (encoders.isEmpty() || encoders.size() != decoders.size()) {
            throw new IllegalArgumentException("unrolling needs one decoder per encoder, got " + encoders.size() + " and "
                    + decoders.size());
        }
        List<DenseLayer> layers = new ArrayList<>(encoders);
        for (int i = decoders.size() - 1; i >= 0; i--) {
            layers.add(decoders.get(i));
        }
        List<INDArray> weights = new ArrayList<>();
        List<INDArray> biases = new ArrayList<>();
        List<Activation> activations = new ArrayList<>();
        int width = inputs;
        for (int l = 0; l < layers.size(); l++) {
            DenseLayer d = layers.get(l);
            if (d.inputs() != width) {
                throw new IllegalArgumentException("layer " + (l + 1) + " of the unrolled stack takes " + d.inputs()
                        + " inputs, but " + width + " arrive");
            }
            weights.add(SoftmaxFineTuner.upload(d.weights().values(), d.inputs(), d.outputs(), type));
            biases.add(SoftmaxFineTuner.upload(d.bias().values(), 1, d.outputs(), type));
            activations.add(Activation.fromJson(d.activation()));
            width = d.outputs();
        }
        if (width != inputs) {
            throw new IllegalArgumentException("the unrolled stack ends with " + width + " outputs for " + inputs + " inputs");
        }
        Activation last = activations.remove(activations.size() - 1);
        Mlp.Output output = switch (last) {
            case SIGMOID -> Mlp.Output.SIGMOID_CROSS_ENTROPY;
            case IDENTITY -> Mlp.Output.IDENTITY_SQUARED;
            default -> throw new IllegalArgumentException("the first stage's decoder is " + last.jsonName()
                    + "; an unrolled autoencoder needs sigmoid (cross-entropy) or identity (squared error)");
        };
        return new Mlp(weights.subList(0, weights.size() - 1), biases.subList(0, biases.size() - 1), activations,
                weights.get(weights.size() - 1), biases.get(biases.size() - 1), output);
    }

    @Override
    public String describe() {
        return "the stack unrolled into a deep autoencoder (encoders, then the decoders mirrored), reconstruction loss,"
                + " SGD/momentum/Nesterov/Adam/RMSprop/AdaGrad";
    }
}
