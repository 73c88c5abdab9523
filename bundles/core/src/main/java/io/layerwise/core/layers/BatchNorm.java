package io.layerwise.core.layers;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation per channel (PyTorch's BatchNorm2d, or BatchNorm1d on a flat vector):
 * {@code y = gamma (x - mu) / sqrt(var + epsilon) + beta}. Training uses the batch's mean and (biased) variance over
 * samples and positions, and updates the running statistics {@code r <- (1 - momentum) r + momentum batch} (the
 * variance unbiased, N / (N - 1)); evaluation uses the running ones. With {@code xhat} the normalised input and N the
 * values per channel, backward is {@code dgamma = sum dy xhat}, {@code dbeta = sum dy},
 * {@code dx = gamma / (N sqrt(var + epsilon)) (N dy - dbeta - xhat dgamma)}.
 */
public final class BatchNorm extends ShapedLayer {
    private final double momentum;
    private final double epsilon;
    private final INDArray gamma;
    private final INDArray beta;
    private final INDArray gradGamma;
    private final INDArray gradBeta;
    private final INDArray runningMean;
    private final INDArray runningVar;
    private INDArray xhat;
    private INDArray invStd;

    public BatchNorm(Shape in, double momentum, double epsilon, DataType type) {
        super(in, in);
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.gamma = Nd4j.ones(type, in.channels());
        this.beta = Nd4j.zeros(type, in.channels());
        this.gradGamma = Nd4j.zeros(type, in.channels());
        this.gradBeta = Nd4j.zeros(type, in.channels());
        this.runningMean = Nd4j.zeros(type, in.channels());
        this.runningVar = Nd4j.ones(type, in.channels());
    }

    @Override
    public String kind() {
        return "batch-norm";
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        INDArray mean;
        INDArray var;
        if (training) {
            mean = x.mean(0, 2, 3);
            var = x.var(false, 0, 2, 3);
            long count = x.length() / in.channels();
            double unbias = count > 1 ? count / (count - 1.0) : 1.0;
            runningMean.muli(1 - momentum).addi(mean.mul(momentum));
            runningVar.muli(1 - momentum).addi(var.mul(momentum * unbias));
        } else {
            mean = runningMean;
            var = runningVar;
        }
        INDArray inv = Transforms.pow(var.add(epsilon), -0.5, false);
        INDArray norm = Nd4j.create(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new BroadcastSubOp(x, mean, norm, 1));
        Nd4j.getExecutioner().exec(new BroadcastMulOp(norm, inv, norm, 1));
        INDArray y = Nd4j.create(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new BroadcastMulOp(norm, gamma, y, 1));
        Nd4j.getExecutioner().exec(new BroadcastAddOp(y, beta, y, 1));
        if (training) {
            Patches.live(xhat, invStd).forEach(INDArray::close);
            xhat = norm;
            invStd = inv;
        }
        return y;
    }

    /** Needs the normalised input of the training forward pass just run on {@code x}. */
    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        long count = x.length() / in.channels();
        gradBeta.assign(dy.sum(0, 2, 3));
        gradGamma.assign(dy.mul(xhat).sum(0, 2, 3));
        INDArray dx = dy.mul(count);
        Nd4j.getExecutioner().exec(new BroadcastSubOp(dx, gradBeta, dx, 1));
        INDArray t = Nd4j.create(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new BroadcastMulOp(xhat, gradGamma, t, 1));
        dx.subi(t);
        t.close();
        INDArray scale = gamma.mul(invStd).divi(count);
        Nd4j.getExecutioner().exec(new BroadcastMulOp(dx, scale, dx, 1));
        return dx;
    }

    @Override
    public List<INDArray> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public List<INDArray> gradients() {
        return List.of(gradGamma, gradBeta);
    }

    @Override
    public List<String> parameterNames() {
        return List.of("weight", "bias");
    }

    @Override
    public List<INDArray> statistics() {
        return List.of(runningMean, runningVar);
    }

    @Override
    public List<String> statisticNames() {
        return List.of("runningMean", "runningVar");
    }

    @Override
    public void close() {
        super.close();
        Patches.live(xhat, invStd).forEach(INDArray::close);
    }
}
