package io.layerwise.core.optim;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A stage's {@code train.optimizer} (or fine-tuning's {@code optimizer}): an algorithm's hyper-parameters and a
 * learning-rate schedule, e.g.
 * {@code {"kind":"adam","lr":0.001,"beta1":0.9,"schedule":{"kind":"cosine","minLr":1e-5}}}.
 *
 * <table>
 * <caption>kinds, their fields and defaults</caption>
 * <tr><th>kind</th><th>fields (default)</th></tr>
 * <tr><td>{@code sgd}</td><td>{@code lr} (0.1), {@code momentum} (0)</td></tr>
 * <tr><td>{@code nesterov}</td><td>{@code lr} (0.1), {@code momentum} (0.9)</td></tr>
 * <tr><td>{@code adam}</td><td>{@code lr} (0.001), {@code beta1} (0.9), {@code beta2} (0.999), {@code eps} (1e-8)</td></tr>
 * <tr><td>{@code rmsprop}</td><td>{@code lr} (0.001), {@code rho} (0.9), {@code eps} (1e-8)</td></tr>
 * <tr><td>{@code adagrad}</td><td>{@code lr} (0.01), {@code eps} (1e-8)</td></tr>
 * <tr><td>{@code lbfgs}</td><td>{@code history} (10), {@code gradientTolerance} (1e-5), {@code functionTolerance}
 * (2.2e-9), {@code maxLineSearch} (20); no {@code lr}, no schedule; only where {@link #read(Spec, int, boolean)} is
 * told the trainer has an objective</td></tr>
 * </table>
 * {@code schedule.kind}: {@code constant} (the default), {@code step} ({@code every} epochs, required;
 * {@code factor}, 0.1), {@code exponential} ({@code gamma}, required), {@code cosine} ({@code minLr}, 0; over the
 * stage's epochs). A field of another kind (say {@code beta1} with {@code sgd}) is an error naming the kinds it
 * belongs to.
 */
public record OptimizerSpec(Optimizer.Options options, Schedule schedule) {

    public static final List<String> KINDS = List.of("sgd", "nesterov", "adam", "rmsprop", "adagrad");
    /** Full-batch kinds: they need the objective's value, not only a minibatch gradient. */
    public static final List<String> OBJECTIVE_KINDS = List.of("lbfgs");
    public static final List<String> SCHEDULES = List.of("constant", "step", "exponential", "cosine");

    /** The fields each kind reads besides {@code kind} and {@code schedule}, to name the owners of a misplaced one. */
    private static final Map<String, List<String>> FIELDS = Map.of(
            "sgd", List.of("lr", "momentum"),
            "nesterov", List.of("lr", "momentum"),
            "adam", List.of("lr", "beta1", "beta2", "eps"),
            "rmsprop", List.of("lr", "rho", "eps"),
            "adagrad", List.of("lr", "eps"),
            "lbfgs", List.of("history", "gradientTolerance", "functionTolerance", "maxLineSearch"));
    private static final Map<String, List<String>> SCHEDULE_FIELDS = Map.of(
            "constant", List.of(),
            "step", List.of("every", "factor"),
            "exponential", List.of("gamma"),
            "cosine", List.of("minLr"));

    private static final Range UNIT_OPEN_END = new Range(0, true, 1, false);
    private static final Range OPEN_UNIT = Range.open(0, 1);
    private static final Range FACTOR = new Range(0, false, 1, true);

    public OptimizerSpec {
        if (options == null || schedule == null) {
            throw new IllegalArgumentException("options and schedule must be given; got " + options + ", " + schedule);
        }
        if (schedule instanceof Schedule.Cosine c && c.minLr() > options.lr()) {
            throw new IllegalArgumentException("schedule.minLr must be at most lr " + options.lr() + ", got " + c.minLr());
        }
    }

    /** Plain SGD at a constant rate. */
    public static OptimizerSpec sgd(double lr, double momentum) {
        return new OptimizerSpec(new Sgd.Options(lr, momentum), new Schedule.Constant());
    }

    /** A fresh optimizer for these parameters. */
    public Optimizer create(List<INDArray> parameters) {
        return options.create(parameters, schedule);
    }

    /**
     * Reads and validates {@code optimizer} (all fields optional: {@code sgd} with lr 0.1 at a constant rate).
     *
     * @param epochs the stage's epochs, over which {@code cosine} runs
     */
    public static OptimizerSpec read(Spec opt, int epochs) {
        return read(opt, epochs, false);
    }

    /**
     * As {@link #read(Spec, int)}; {@code objective} allows the full-batch kinds ({@link #OBJECTIVE_KINDS}), for
     * trainers that can evaluate their objective on a fixed batch. Elsewhere such a kind is an error that says so.
     */
    public static OptimizerSpec read(Spec opt, int epochs, boolean objective) {
        if (!objective && OBJECTIVE_KINDS.contains(opt.text("kind", "sgd"))) {
            throw new SpecException(opt.pathOf("kind"), "\"" + opt.text("kind", "sgd") + "\" needs an objective"
                    + " evaluated on a fixed batch, which this stage does not have; use one of " + KINDS);
        }
        List<String> kinds = new java.util.ArrayList<>(KINDS);
        if (objective) {
            kinds.addAll(OBJECTIVE_KINDS);
        }
        String kind = opt.choice("kind", "sgd", kinds.toArray(String[]::new));
        rejectForeign(opt, kind, FIELDS, Set.of("kind", "schedule"));
        if (kind.equals("lbfgs")) {
            if (opt.has("schedule")) {
                throw new SpecException(opt.pathOf("schedule"), "does not apply to kind \"lbfgs\", whose line search"
                        + " chooses every step");
            }
            return new OptimizerSpec(new Lbfgs.Options(
                    opt.integer("history", Lbfgs.Options.DEFAULT_HISTORY, 1, 1000),
                    opt.number("gradientTolerance", Lbfgs.Options.DEFAULT_GRADIENT_TOLERANCE, Range.nonNegative()),
                    opt.number("functionTolerance", Lbfgs.Options.DEFAULT_FUNCTION_TOLERANCE, Range.nonNegative()),
                    opt.integer("maxLineSearch", Lbfgs.Options.DEFAULT_MAX_LINE_SEARCH, 1, 1000)),
                    new Schedule.Constant());
        }
        Optimizer.Options options = switch (kind) {
            case "sgd" -> new Sgd.Options(opt.number("lr", 0.1, Range.positive()),
                    opt.number("momentum", 0.0, UNIT_OPEN_END));
            case "nesterov" -> new Sgd.Options(opt.number("lr", 0.1, Range.positive()),
                    opt.number("momentum", 0.9, OPEN_UNIT), true);
            case "adam" -> new Adam.Options(opt.number("lr", 0.001, Range.positive()),
                    opt.number("beta1", 0.9, UNIT_OPEN_END), opt.number("beta2", 0.999, UNIT_OPEN_END),
                    opt.number("eps", 1e-8, Range.positive()));
            case "rmsprop" -> new RmsProp.Options(opt.number("lr", 0.001, Range.positive()),
                    opt.number("rho", 0.9, UNIT_OPEN_END), opt.number("eps", 1e-8, Range.positive()));
            case "adagrad" -> new AdaGrad.Options(opt.number("lr", 0.01, Range.positive()),
                    opt.number("eps", 1e-8, Range.positive()));
            default -> throw new IllegalStateException(kind);
        };
        Schedule schedule = readSchedule(opt.object("schedule"), options.lr(), epochs);
        return new OptimizerSpec(options, schedule);
    }

    private static Schedule readSchedule(Spec s, double lr, int epochs) {
        String kind = s.choice("kind", "constant", SCHEDULES.toArray(String[]::new));
        rejectForeign(s, kind, SCHEDULE_FIELDS, Set.of("kind"));
        return switch (kind) {
            case "constant" -> new Schedule.Constant();
            case "step" -> new Schedule.Step(s.integer("every", 1, 1_000_000), s.number("factor", 0.1, FACTOR));
            case "exponential" -> new Schedule.Exponential(s.number("gamma", FACTOR));
            case "cosine" -> new Schedule.Cosine(s.number("minLr", 0.0, Range.closed(0, lr)), Math.max(epochs, 1));
            default -> throw new IllegalStateException(kind);
        };
    }

    /** A field that belongs to other kinds only is named with those kinds (unknown fields are left to Spec). */
    private static void rejectForeign(Spec spec, String kind, Map<String, List<String>> fields, Set<String> common) {
        List<String> mine = fields.get(kind);
        for (String field : spec.fieldNames()) {
            if (common.contains(field) || mine.contains(field)) {
                continue;
            }
            List<String> owners = fields.keySet().stream().filter(k -> fields.get(k).contains(field)).sorted().toList();
            if (!owners.isEmpty()) {
                throw new SpecException(spec.pathOf(field), "does not apply to kind \"" + kind + "\" (only to "
                        + String.join(", ", owners) + "); " + kind + " takes "
                        + (mine.isEmpty() ? "no other fields" : String.join(", ", mine)));
            }
        }
    }
}
