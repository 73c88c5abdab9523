package io.layerwise.model.whitening.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Picture;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageProvider;
import io.layerwise.core.testing.TestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pca and zca stages as the engine drives them: spec validation, fit, metrics, pictures, save and restore. */
class WhiteningStageTest {
    static final int DIM = WhiteningTest.DIM;

    static StageProvider provider(String type) {
        return type.equals("pca") ? new PcaStageProvider() : new ZcaStageProvider();
    }

    /** A stage from JSON-like fields, as the engine reads them: type first, then the provider, then unknown fields. */
    static WhiteningStage stage(String type, Map<String, Object> fields) {
        return stage(type, fields, DIM);
    }

    static WhiteningStage stage(String type, Map<String, ?> fields, int inputs) {
        Map<String, Object> json = new LinkedHashMap<>(fields);
        json.put("type", type);
        Spec spec = new Spec("stages[0]", json);
        spec.text("type", null);
        Stage s = provider(type).create(spec, new TestContext(inputs, Dataset.UNIT, 1));
        spec.rejectUnknownFields();
        return (WhiteningStage) s;
    }

    static FloatMatrix matrix(double[][] x) {
        float[] v = new float[x.length * x[0].length];
        for (int r = 0; r < x.length; r++) {
            for (int c = 0; c < x[0].length; c++) {
                v[r * x[0].length + c] = (float) x[r][c];
            }
        }
        return new FloatMatrix(x.length, x[0].length, v);
    }

    static FloatMatrix data(long seed) {
        return matrix(WhiteningTest.data(seed, false));
    }

    /** New rows from the distribution of {@code data(seed)}. */
    static FloatMatrix heldOut(long seed) {
        return matrix(WhiteningTest.data(seed, false, seed + 7));
    }

    static void assertClose(Map<String, Double> expected, Map<String, Double> actual, double tolerance) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertEquals(v, actual.get(k), tolerance, k));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "pca | {\"epsilon\": -1} | stages[0].epsilon must be in [0, inf), got -1.0",
        "zca | {\"epsilon\": \"small\"} | stages[0].epsilon must be a number, got \"small\"",
        "pca | {\"components\": 0} | stages[0].components must be in [1, 10], got 0",
        "pca | {\"components\": 11} | stages[0].components must be in [1, 10], got 11",
        "pca | {\"components\": 2.5} | stages[0].components must be an integer, got 2.5",
        "pca | {\"retainedVariance\": 0} | stages[0].retainedVariance must be in (0, 1], got 0.0",
        "pca | {\"retainedVariance\": 1.5} | stages[0].retainedVariance must be in (0, 1], got 1.5",
        "pca | {\"components\": 3, \"retainedVariance\": 0.9} | stages[0].retainedVariance cannot be combined with stages[0].components",
        "zca | {\"components\": 3} | stages[0].components applies to pca only: zca keeps all 10 components",
        "zca | {\"retainedVariance\": 0.9} | stages[0].retainedVariance applies to pca only",
        "zca | {\"epsilom\": 0.1} | stages[0].epsilom is not a known field here; known fields: type, epsilon, eigensolver",
        "pca | {\"hidden\": 5} | stages[0].hidden is not a known field here; known fields: type, epsilon, components, eigensolver",
        "zca | {\"eigensolver\": \"float16\"} | stages[0].eigensolver must be one of [auto, float32, float64], got \"float16\"",
        "pca | {\"eigensolver\": 64} | stages[0].eigensolver must be one of [auto, float32, float64], got 64",
    })
    void badFieldsAreNamedByTheirJsonPath(String type, String json, String message) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = new com.google.gson.Gson().fromJson(json, Map.class);
        SpecException e = assertThrows(SpecException.class, () -> stage(type, fields).close());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void defaultsShowInTheResolvedSpec() {
        Spec spec = new Spec("stages[0]", Map.of("type", "pca"));
        spec.text("type", null);
        try (Stage s = new PcaStageProvider().create(spec, new TestContext(DIM, Dataset.UNIT, 1))) {
            assertEquals(Map.of("type", "pca", "epsilon", 0.1, "components", DIM, "eigensolver", "auto"), spec.resolved());
            assertEquals(DIM, s.outputSize());
        }
    }

    /** The run log says which eigensolver a fit used and, for auto, the bound that chose it. */
    @Test
    void aFitLogsItsEigensolver() {
        List<String> logged = new ArrayList<>();
        String[][] cases = {{"zca", "auto", "0.1"}, {"zca", "float64", "0.1"}, {"pca", "auto", "0.1"},
            {"pca", "float32", "0.1"}, {"zca", "auto", "0"}};
        for (String[] c : cases) {
            Map<String, Object> json = new LinkedHashMap<>(Map.of("type", c[0], "eigensolver", c[1], "epsilon",
                    Double.parseDouble(c[2])));
            Spec spec = new Spec("stages[0]", json);
            spec.text("type", null);
            TestContext context = new TestContext(DIM, Dataset.UNIT, 1);
            try (Stage s = provider(c[0]).create(spec, context)) {
                s.fit(data(1));
            }
            logged.addAll(context.logged());
        }
        assertEquals(5, logged.size(), logged.toString());
        assertTrue(logged.get(0).matches("zca: the 10 x 10 eigenproblem in float32 \\(ssyevd\\) \\(eigensolver auto: a"
                + " float32 solve would move P by at most \\d\\.\\de-\\d\\d relative at epsilon 0.1, the limit is 1e-04\\)"),
                logged.get(0));
        assertEquals("zca: the 10 x 10 eigenproblem in float64 (dsyevd), as eigensolver float64 asks", logged.get(1));
        assertEquals("pca: the 10 x 10 eigenproblem in float64 (dsyevd) (eigensolver auto: always float64 for pca)",
                logged.get(2));
        assertEquals("pca: the 10 x 10 eigenproblem in float32 (ssyevd), as eigensolver float32 asks", logged.get(3));
        assertEquals("zca: the 10 x 10 eigenproblem in float64 (dsyevd) (eigensolver auto: at epsilon 0 nothing bounds"
                + " a float32 solve's error)", logged.get(4));
    }

    @Test
    void aFittedStageReportsItsSizesRangeAndMetrics() {
        try (WhiteningStage pca = stage("pca", Map.of("components", 4)); WhiteningStage zca = stage("zca", Map.of())) {
            for (WhiteningStage s : List.of(pca, zca)) {
                assertFalse(s.trainable());
                assertEquals(0, s.epochs());
                assertEquals(Dataset.REAL, s.outputRange());
                assertThrows(IllegalStateException.class, () -> s.encode(data(1)), "not fitted yet");
                assertThrows(UnsupportedOperationException.class, () -> s.prepareTraining(data(1)));
                s.fit(data(1));
            }
            assertEquals(4, pca.outputSize());
            assertEquals(DIM, zca.outputSize());
            Map<String, Double> m = pca.evaluate(heldOut(1));
            assertEquals(List.of("whitenedVarianceMean", "testWhitenedVarianceMean", "components", "retainedVariance"),
                    new ArrayList<>(m.keySet()));
            assertEquals(pca.whitening().whitenedVarianceMean(), m.get("whitenedVarianceMean"));
            assertEquals(4.0, m.get("components"));
            assertEquals(List.of("whitenedVarianceMean", "testWhitenedVarianceMean"),
                    new ArrayList<>(zca.evaluate(heldOut(1)).keySet()));
            // held-out rows from the same distribution whiten to about the training figure
            for (WhiteningStage s : List.of(pca, zca)) {
                Map<String, Double> h = s.evaluate(heldOut(1));
                assertEquals(h.get("whitenedVarianceMean"), h.get("testWhitenedVarianceMean"), 0.1, s.options().kind() + " " + h);
                Map<String, Double> t = s.evaluate(data(1));
                assertEquals(t.get("whitenedVarianceMean"), t.get("testWhitenedVarianceMean"), 1e-5, "on the training rows");
            }
            assertEquals(4, pca.encode(data(2)).cols());
            assertEquals(0, zca.encode(FloatMatrix.zeros(0, DIM)).rows());
        }
    }

    @Test
    void retainedVariancePicksTheOutputWidthAtFitTime() {
        try (WhiteningStage s = stage("pca", Map.of("retainedVariance", 0.9))) {
            assertEquals(DIM, s.outputSize(), "before fitting: the input width, an upper bound");
            s.fit(data(3));
            assertTrue(s.outputSize() < DIM, "k = " + s.outputSize());
            assertTrue(s.evaluate(data(3)).get("retainedVariance") >= 0.9);
            assertEquals(s.outputSize(), s.encode(data(3)).cols());
        }
    }

    @Test
    void epsilonZeroOnRankDeficientDataNamesTheEpsilonPath() {
        try (WhiteningStage s = stage("zca", Map.of("epsilon", 0))) {
            SpecException e = assertThrows(SpecException.class, () -> s.fit(matrix(WhiteningTest.data(4, true))));
            assertEquals("stages[0].epsilon", e.path());
            assertTrue(e.getMessage().startsWith("stages[0].epsilon is 0, which needs"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pca", "zca"})
    void saveAndRestoreRoundTrip(String type) {
        Map<String, Object> fields = type.equals("pca") ? Map.of("components", 6, "epsilon", 0.01) : Map.of();
        try (WhiteningStage a = stage(type, fields); WhiteningStage b = stage(type, fields)) {
            a.fit(data(5));
            List<Parameter> saved = a.parameters();
            int k = a.outputSize();
            assertEquals(List.of("mean", "P", "Pinv", "eigenvalues"), saved.stream().map(Parameter::name).toList());
            assertArrayEquals(new int[] {k, DIM}, saved.get(1).shape());
            assertArrayEquals(new int[] {DIM, k}, saved.get(2).shape());
            b.restore(saved);
            assertEquals(saved, b.parameters());
            assertEquals(a.encode(data(6)), b.encode(data(6)));
            assertEquals(a.reconstruct(data(6)), b.reconstruct(data(6)));
            assertClose(a.evaluate(data(6)), b.evaluate(data(6)), 1e-6); // eigenvalues are saved as float32
        }
    }

    @Test
    void restoreNamesAMissingOrMisshapenParameterAndChangesNothing() {
        try (WhiteningStage a = stage("pca", Map.of("components", 6)); WhiteningStage b = stage("pca", Map.of("components", 5))) {
            a.fit(data(7));
            List<Parameter> saved = a.parameters();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restore(saved));
            assertEquals("parameter P has shape [6, 10], expected [5, 10]", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.restore(List.of(saved.get(0), saved.get(1), saved.get(3))));
            assertEquals("missing parameter Pinv [10, 6]", e.getMessage());
            assertNull(b.whitening(), "a failed restore leaves the stage as it was");
            assertEquals(saved, a.parameters());
        }
    }

    @Test
    void reconstructionIsExactForZcaAndAProjectionForPcaWithFewerComponents() {
        FloatMatrix x = data(8);
        try (WhiteningStage zca = stage("zca", Map.of()); WhiteningStage pca = stage("pca", Map.of("components", 3))) {
            zca.fit(x);
            pca.fit(x);
            FloatMatrix z = zca.reconstruct(x);
            FloatMatrix p = pca.reconstruct(x);
            double zErr = 0;
            double pErr = 0;
            for (int i = 0; i < x.data().length; i++) {
                zErr = Math.max(zErr, Math.abs(z.data()[i] - x.data()[i]));
                pErr = Math.max(pErr, Math.abs(p.data()[i] - x.data()[i]));
            }
            assertTrue(zErr < 1e-4, "ZCA round trip error " + zErr);
            assertTrue(pErr > 0.1, "3 of 10 components lose something: " + pErr);
        }
    }

    @Test
    void picturesShowInputsBeforeAndAfterWhitening() {
        FloatMatrix x = data(9);
        try (WhiteningStage zca = stage("zca", Map.of()); WhiteningStage pca = stage("pca", Map.of("components", 4))) {
            zca.fit(x);
            pca.fit(x);
            List<Picture> z = zca.pictures(x);
            assertEquals(List.of("whitened", "filters"), z.stream().map(Picture::name).toList());
            Picture whitened = z.get(0);
            assertEquals(Picture.Scaling.PER_TILE, whitened.scaling());
            assertEquals(20, whitened.columns());
            assertEquals(200, whitened.tiles().rows(), "100 inputs, each followed by its whitened version");
            FloatMatrix codes = zca.encode(x.rows(0, 100));
            for (int i = 0; i < 100; i += 33) {
                for (int j = 0; j < DIM; j++) {
                    assertEquals(x.get(i, j), whitened.tiles().get(2 * i, j));
                    assertEquals(codes.get(i, j), whitened.tiles().get(2 * i + 1, j));
                }
            }
            assertEquals(DIM, z.get(1).tiles().cols());
            // PCA codes are drawn rotated back into input space: E_k y, orthogonal to the dropped eigenvectors
            List<Picture> p = pca.pictures(x);
            assertEquals(List.of("whitened"), p.stream().map(Picture::name).toList());
            assertEquals(DIM, p.get(0).tiles().cols());
            assertNull(zca.filters());
            Parameter f = pca.filters();
            assertArrayEquals(new int[] {DIM, 4}, f.shape());
        }
    }

    @Test
    void pcaCodesDrawnInInputSpaceKeepTheirLengthAndComeFromTheKeptSubspace() {
        FloatMatrix x = data(10);
        try (WhiteningStage pca = stage("pca", Map.of("components", 4))) {
            pca.fit(x);
            FloatMatrix codes = pca.encode(x.rows(0, 100));
            FloatMatrix drawn = pca.pictures(x).get(0).tiles();
            for (int i = 0; i < 100; i++) {
                double codeNorm = 0;
                double drawnNorm = 0;
                for (int j = 0; j < 4; j++) {
                    codeNorm += codes.get(i, j) * codes.get(i, j);
                }
                for (int j = 0; j < DIM; j++) {
                    drawnNorm += drawn.get(2 * i + 1, j) * drawn.get(2 * i + 1, j);
                }
                assertEquals(Math.sqrt(codeNorm), Math.sqrt(drawnNorm), 1e-4 * (1 + Math.sqrt(codeNorm)), "row " + i);
            }
        }
    }

    @Test
    void zcaFilterInputsAreSpreadOverTheVaryingOnes() {
        float[] v = new float[50 * 8];
        for (int r = 0; r < 50; r++) {
            for (int c = 0; c < 8; c++) {
                v[r * 8 + c] = c % 2 == 0 ? 0.5f : (r % 5) * c; // even inputs constant, odd ones vary as c^2 (1 too little)
            }
        }
        FloatMatrix m = new FloatMatrix(50, 8, v);
        assertArrayEquals(new int[] {3, 5, 7}, WhiteningStage.spreadOverVaryingInputs(m, 100));
        assertArrayEquals(new int[] {3, 7}, WhiteningStage.spreadOverVaryingInputs(m, 2));
    }
}
