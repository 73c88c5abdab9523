package io.layerwise.data.internal;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.DataSourceType;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import java.util.Locale;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * The {@code swiss-roll} data source: points on a rolled-up sheet in 3-D, as scikit-learn's
 * {@code make_swiss_roll} draws them: {@code t ~ 1.5 pi (1 + 2 U)}, {@code (t cos t, 21 U, t sin t)} plus Gaussian
 * noise; with {@code hole}, the sheet's middle ninth is left empty. The position {@code t} along the roll is the
 * continuous label, so a picture of a 2-D code shows whether the roll came out unrolled.
 */
@Component(service = DataSource.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@DataSourceType("swiss-roll")
public final class SwissRollDataSource implements DataSource {

    private record Options(int n, int test, double noise, long seed, boolean hole, String scale) {
        static Options read(Spec spec) {
            return new Options(spec.integer("n", 2000, 10, 10_000_000), spec.integer("test", 500, 0, 10_000_000),
                    spec.number("noise", 0.0, Range.closed(0, 100)), spec.longInteger("seed", 1),
                    spec.flag("hole", false), spec.choice("scale", ColumnScaling.NONE, ColumnScaling.NONE,
                            ColumnScaling.MIN_MAX, ColumnScaling.STANDARDIZE));
        }
    }

    @Override
    public void validate(Spec spec) {
        Options.read(spec);
    }

    @Override
    public Dataset load(Spec spec) {
        Options o = Options.read(spec);
        SplittableRandom random = new SplittableRandom(o.seed());
        float[] t = new float[o.n()];
        FloatMatrix x = roll(o, o.n(), random, t);
        float[] tTest = o.test() > 0 ? new float[o.test()] : null;
        FloatMatrix xTest = o.test() > 0 ? roll(o, o.test(), random, tTest) : null;
        Dataset.Scaling scaling = ColumnScaling.fit(o.scale(), x);
        if (scaling != null) {
            x = scaling.apply(x);
            xTest = xTest == null ? null : scaling.apply(xTest);
        }
        String description = String.format(Locale.ROOT, "Swiss roll %d train / %d test points, noise %s, seed %d%s%s",
                o.n(), o.test(), o.noise(), o.seed(), o.hole() ? ", with a hole" : "",
                scaling == null ? "" : ", " + scaling.kind() + " scaling from the training rows");
        return new Dataset(description, x, null, xTest, null, ColumnScaling.range(x, xTest),
                new Dataset.Targets("t", t, tTest), null, null, scaling);
    }

    private static FloatMatrix roll(Options o, int n, SplittableRandom random, float[] tOut) {
        float[] v = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double t;
            double y;
            if (o.hole()) {
                // eight of the nine cells of a 3 x 3 grid over (t, y): all but the centre
                int cell = random.nextInt(8);
                cell = cell >= 4 ? cell + 1 : cell;
                t = Math.PI * (1.5 + cell / 3) + Math.PI * random.nextDouble();
                y = 7 * (cell % 3) + 7 * random.nextDouble();
            } else {
                t = 1.5 * Math.PI * (1 + 2 * random.nextDouble());
                y = 21 * random.nextDouble();
            }
            v[3 * i] = (float) (t * Math.cos(t) + o.noise() * gaussian(random));
            v[3 * i + 1] = (float) (y + o.noise() * gaussian(random));
            v[3 * i + 2] = (float) (t * Math.sin(t) + o.noise() * gaussian(random));
            tOut[i] = (float) t;
        }
        return new FloatMatrix(n, 3, v);
    }

    /** A standard normal draw (Box-Muller; one of the pair is enough here). */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Override
    public String describe() {
        return "Swiss roll points in 3-D (n, test, noise, seed, hole, scale); the position t along the roll is a"
                + " continuous label";
    }
}
