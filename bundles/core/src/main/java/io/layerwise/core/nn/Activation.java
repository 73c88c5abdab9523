package io.layerwise.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Element-wise activation {@code y = f(u)}, applied in place, with its derivative expressed through the output
 * so that the pre-activation need not be kept: sigmoid {@code f' = y(1-y)}, tanh {@code f' = 1-y^2}, relu
 * {@code f' = [y > 0]}, identity {@code f' = 1}.
 */
public enum Activation {
    SIGMOID("sigmoid"), TANH("tanh"), RELU("relu"), IDENTITY("identity");

    private final String jsonName;

    Activation(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name used in stage JSON. */
    public String jsonName() {
        return jsonName;
    }

    /** The names accepted in stage JSON, in declaration order. */
    public static String[] jsonNames() {
        Activation[] all = values();
        String[] names = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            names[i] = all[i].jsonName;
        }
        return names;
    }

    public static Activation fromJson(String name) {
        for (Activation a : values()) {
            if (a.jsonName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation \"" + name + "\"");
    }

    /** True when every output lies in [0, 1]. */
    public boolean unitRange() {
        return this == SIGMOID;
    }

    /** {@code x <- f(x)} in place. */
    public void applyInPlace(INDArray x) {
        switch (this) {
            case SIGMOID -> Logistic.sigmoid(x, x);
            case TANH -> Nd4j.exec(new Tanh(x, x));
            case RELU -> Nd4j.exec(new ScalarMax(x, null, x, 0.0));
            case IDENTITY -> { }
        }
    }

    /**
     * {@code grad <- grad * f'(u)} with {@code f'} computed from the output {@code y = f(u)}.
     *
     * @param scratch a buffer of the same shape as {@code y}, overwritten
     */
    public void multiplyDerivative(INDArray y, INDArray grad, INDArray scratch) {
        switch (this) {
            case SIGMOID -> Logistic.multiplySigmoidDerivative(y, grad, scratch);
            case TANH -> {
                y.mul(y, scratch);
                Nd4j.exec(new ScalarReverseSubtraction(scratch, null, scratch, 1.0)); // 1 - y^2
                grad.muli(scratch);
            }
            case RELU -> {
                Nd4j.exec(new Step(y, scratch, 0.0)); // [y > 0]
                grad.muli(scratch);
            }
            case IDENTITY -> { }
        }
    }
}
