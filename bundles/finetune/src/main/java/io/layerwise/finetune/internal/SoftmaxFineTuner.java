package io.layerwise.finetune.internal;

import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.finetune.HeadType;
import io.layerwise.api.finetune.Network;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.UniformInit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Fine-tuning head {@code softmax}: the pretrained encoders (copied), optional extra hidden layers initialised as
 * the Theano MLP tutorial does ({@link UniformInit}), and a softmax output layer starting at zero (the tutorial's
 * logistic regression), trained together by back-propagation of the cross-entropy.
 */
@Component(service = FineTuner.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@HeadType("softmax")
public final class SoftmaxFineTuner implements FineTuner {

    @Override
    public Network create(Spec spec, List<DenseLayer> encoders, List<DenseLayer> decoders, int inputs, int classes,
            long seed) {
        FineTuneOptions options = FineTuneOptions.read(spec);
        if (classes < 2) {
            throw new SpecException(spec.path(), "needs at least 2 classes in the labels, found " + classes);
        }
        return new MlpNetwork(build(encoders, inputs, classes, options, seed, DataType.FLOAT), options);
    }

    /** The network's layers; {@code type} FLOAT for training, DOUBLE for gradient checks. */
    static Mlp build(List<DenseLayer> encoders, int inputs, int classes, FineTuneOptions options, long seed, DataType type) {
        List<INDArray> weights = new ArrayList<>();
        List<INDArray> biases = new ArrayList<>();
        List<Activation> activations = new ArrayList<>();
        int width = inputs;
        for (int l = 0; l < encoders.size(); l++) {
            DenseLayer e = encoders.get(l);
            if (e.inputs() != width) {
                throw new IllegalArgumentException("encoder layer " + (l + 1) + " takes " + e.inputs() + " inputs, but "
                        + width + " arrive");
            }
            weights.add(upload(e.weights().values(), e.inputs(), e.outputs(), type));
            biases.add(upload(e.bias().values(), 1, e.outputs(), type));
            activations.add(Activation.fromJson(e.activation()));
            width = e.outputs();
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int h : options.hidden()) {
            double r = UniformInit.radius(width, h, options.activation());
            weights.add(upload(UniformInit.uniform(width, h, r, rng), width, h, type));
            biases.add(Nd4j.zeros(type, 1, h));
            activations.add(options.activation());
            width = h;
        }
        return new Mlp(weights, biases, activations, Nd4j.zeros(type, width, classes), Nd4j.zeros(type, 1, classes));
    }

    static INDArray upload(float[] values, int rows, int cols, DataType type) {
        INDArray a = Nd4j.create(values, new long[] {rows, cols}, DataType.FLOAT);
        if (type == DataType.FLOAT) {
            return a;
        }
        INDArray cast = a.castTo(type);
        a.close();
        return cast;
    }

    @Override
    public String describe() {
        return "softmax output on the pretrained encoders (plus optional hidden layers), cross-entropy,"
                + " SGD/momentum/Nesterov/Adam/RMSprop/AdaGrad";
    }
}
