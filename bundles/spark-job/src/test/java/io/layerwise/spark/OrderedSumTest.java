package io.layerwise.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link OrderedSum} adds in partition order whatever order the tasks finish in. The values make the order visible:
 * {@code ((1e16 + 1) - 1e16) + 1 = 1} in partition order, while the first partition's task, held back, finishing last
 * would give {@code ((1 - 1e16) + 1) + 1e16 = 0}.
 */
class OrderedSumTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = SparkTestData.local(4);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    void partialSumsAreAddedInPartitionOrderNotInTheOrderTasksFinish() {
        List<Double> values = List.of(1e16, 1.0, -1e16, 1.0);
        for (int run = 0; run < 3; run++) {
            double sum = OrderedSum.of(sc.parallelize(values, 4).map(v -> {
                if (v == 1e16) {
                    Thread.sleep(300); // the first partition finishes last
                }
                return v;
            }), 0.0, Double::sum);
            assertEquals(1.0, sum, "run " + run);
        }
    }

    @Test
    void valuesInsideAPartitionAreFoldedInOrderAndAnEmptyRddGivesZero() {
        assertEquals(1.0, OrderedSum.of(sc.parallelize(List.of(1e16, 1.0, -1e16, 1.0), 1), 0.0, Double::sum));
        assertEquals(-7.0, OrderedSum.of(sc.parallelize(List.<Double>of(), 2), -7.0, Double::sum));
    }
}
