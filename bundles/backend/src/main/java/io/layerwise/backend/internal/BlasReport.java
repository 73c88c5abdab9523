package io.layerwise.backend.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** All checks of one {@link BlasSelfTest} run; {@link #passed()} when every one did. */
record BlasReport(List<BlasReport.Check> checks) {
    /** One routine's verdict: the largest error seen against its allowance. */
    record Check(String routine, double error, double tolerance) {
        boolean passed() {
            return error <= tolerance; // NaN fails
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s max error %.3g (allowed %.1g)", routine, error, tolerance);
        }
    }

    boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    List<Check> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /**
     * "passed (69 checks: ...)" or "wrong: dgemm (16 of 32 checks, max error 4.33), dsyevd (max error 143)": one
     * entry per routine, the routine being the check's first word (with Nd4j.gemm's data type).
     */
    String summary() {
        if (passed()) {
            return "passed (" + checks.size() + " checks: sgemm, dgemm, Nd4j.gemm, ssyrk, dsyrk, dsyevd, ssyevd)";
        }
        Map<String, List<Check>> all = new LinkedHashMap<>();
        for (Check c : checks) {
            all.computeIfAbsent(routineOf(c), r -> new ArrayList<>()).add(c);
        }
        List<String> parts = new ArrayList<>();
        all.forEach((routine, list) -> {
            List<Check> failed = list.stream().filter(c -> !c.passed()).toList();
            if (failed.isEmpty()) {
                return;
            }
            double worst = failed.stream().mapToDouble(Check::error)
                    .map(e -> Double.isNaN(e) ? Double.POSITIVE_INFINITY : e).max().orElse(0);
            parts.add(String.format(Locale.ROOT, "%s (%smax error %.3g)", routine,
                    list.size() > 1 ? failed.size() + " of " + list.size() + " checks, " : "", worst));
        });
        return "wrong: " + String.join(", ", parts);
    }

    private static String routineOf(Check c) {
        String[] words = c.routine().split(" ");
        return words[0].equals("Nd4j.gemm") ? words[0] + " " + words[1] : words[0];
    }
}
