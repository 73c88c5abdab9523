package io.layerwise.model.convae.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import io.layerwise.core.testing.TestContext;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;

/**
 * ND4J op launches and native allocations (JavaCPP pointers created: the rise of {@code Pointer.totalCount()} over
 * the step, after two collections have emptied the deallocation queue, so that nothing is freed behind the count; a
 * lower bound should a collection run within the step) of one W5 training step
 * ({@code ConvAe.gradient}) on a minibatch of 128, after three warm-up steps.
 * Tagged slow; {@code -Dgroups=slow -DexcludedGroups=none -Dtest=OpCountTest}.
 */
@Tag("slow")
class OpCountTest {

    @Test
    void printsTheOpsAndAllocationsOfOneStep() throws Exception {
        ConvAeSpec spec = ConvAeSpec.read(new Spec("stages[0]", ConvAeStageTest.pipelineStage("mnist-conv-ae-2d.json")),
                new TestContext(784, Dataset.REAL, 1));
        try (ConvAe net = new ConvAe(spec, 1, DataType.FLOAT)) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 128, 1, 28, 28);
            for (int i = 0; i < 3; i++) {
                net.gradient(x);
            }
            Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.OPERATIONS);
            OpProfiler.getInstance().reset();
            for (int i = 0; i < 2; i++) {
                System.gc();
                Thread.sleep(500);
            }
            long pointers = Pointer.totalCount();
            net.gradient(x);
            long created = Pointer.totalCount() - pointers;
            Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
            System.out.println("OPCOUNT ops " + OpProfiler.getInstance().getInvocationsCount() + " pointers " + created);
            OpProfiler.getInstance().printOutDashboard();
        }
    }
}
