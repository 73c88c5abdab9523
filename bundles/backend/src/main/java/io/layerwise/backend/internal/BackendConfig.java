package io.layerwise.backend.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The backend's thread counts, PID {@value #PID}; 0 keeps the per-core rule of {@link ThreadRule}. */
@ObjectClassDefinition(name = "Layerwise backend", description = "Thread counts of ND4J's own (OpenMP) operations and"
        + " of the BLAS library. 0: the rule for this machine (OpenMP 1 up to 4 cores, else a quarter of them; BLAS"
        + " every core).")
@interface BackendConfig {
    String PID = "io.layerwise.backend";

    @AttributeDefinition(name = "OpenMP threads", description = "Threads of ND4J's own operations; 0: the rule. 0 to 1024.")
    int ompThreads() default 0;

    @AttributeDefinition(name = "BLAS threads", description = "Threads of the BLAS library (GEMM); 0: the rule. 0 to 1024.")
    int blasThreads() default 0;
}
