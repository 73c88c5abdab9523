package io.layerwise.spark;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;

/**
 * The sum of an RDD's values in partition order. Spark's {@code treeAggregate} (and {@code reduce}) adds the
 * partitions' results on the driver in the order their tasks finish; floating-point addition is commutative but not
 * associative, so with three or more partitions the same job could end one ulp apart from run to run ({@code
 * DistributedCovarianceTest} failed two runs in four that way). Here each partition folds its own values in order, the
 * driver collects the partial sums, which Spark returns in partition order, and adds them in that order: the result
 * depends on the data and the partitioning only. The driver holds one partial sum per partition at once (for the
 * averaging rounds, one parameter set per worker).
 */
final class OrderedSum {
    private OrderedSum() {
    }

    /** {@code zero} when the RDD is empty, else {@code ((v0 + v1) + v2) + ...} in partition order. */
    static <T> T of(JavaRDD<T> values, T zero, Function2<T, T, T> plus) {
        List<T> partial = values.mapPartitions(it -> {
            T sum = fold(it, plus);
            return sum == null ? Collections.emptyIterator() : List.of(sum).iterator();
        }, true).collect();
        try {
            T sum = fold(partial.iterator(), plus);
            return sum == null ? zero : sum;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // Function2 declares it; the sums here throw none
            throw new IllegalStateException(e);
        }
    }

    /** {@code ((v0 + v1) + v2) + ...} of the values in order, null when there are none. */
    private static <T> T fold(Iterator<T> values, Function2<T, T, T> plus) throws Exception {
        T sum = null;
        while (values.hasNext()) {
            T v = values.next();
            sum = sum == null ? v : plus.call(sum, v);
        }
        return sum;
    }
}
