package io.layerwise.backend.internal;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** Applies thread counts to a loaded ND4J and reads back what took effect. */
final class Nd4jThreads {

    private Nd4jThreads() {
    }

    static void apply(ThreadRule rule) {
        // Environment covers libnd4j's own parallel loops; NativeOps the OpenMP runtime underneath.
        Nd4j.getEnvironment().setMaxMasterThreads(rule.omp());
        Nd4j.getEnvironment().setMaxThreads(rule.omp());
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(rule.omp());
        Nd4j.factory().blas().setMaxThreads(rule.blas());
    }

    /** The counts as the native libraries report them now: {omp, blas}. */
    static int[] effective() {
        return new int[] {Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads()};
    }
}
