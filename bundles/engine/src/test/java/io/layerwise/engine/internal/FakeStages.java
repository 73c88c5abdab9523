package io.layerwise.engine.internal;

import io.layerwise.api.data.DataSource;
import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.finetune.FineTuner;
import io.layerwise.api.finetune.Network;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.StageProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Plug-ins for the engine's unit tests, without ND4J: stages whose one parameter {@code w} counts the epochs trained
 * (so a checkpoint says how far a stage got), a data source of a fixed data set, and a fine-tuning head.
 */
final class FakeStages {
    private FakeStages() {
    }

    /** What the fakes saw, in order: "create a 16", "epoch a 1", "fit b", "finetune 2 layers". */
    static final class Journal {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        /** Each {@code encode} call as "type rows" (pictures encode too, so these are kept apart from events). */
        final List<String> encoded = Collections.synchronizedList(new ArrayList<>());
        /** Runs before each minibatch with (type, epoch, batch): a test stops the job or unregisters a provider here. */
        volatile TriConsumer beforeBatch = (type, epoch, batch) -> { };

        List<String> starting(String prefix) {
            synchronized (events) {
                return events.stream().filter(e -> e.startsWith(prefix)).toList();
            }
        }
    }

    interface TriConsumer {
        void accept(String type, int epoch, int batch);
    }

    /**
     * Stage type {@code type}: {@code hidden} units (default 2), trained for {@code train.epochs} epochs of 2
     * minibatches, or fitted when {@code trainable} is false.
     */
    static StageProvider provider(String type, boolean trainable, Journal journal) {
        return new StageProvider() {
            @Override
            public Stage create(Spec spec, StageContext context) {
                int hidden = spec.integer("hidden", 2, 1, 1000);
                int epochs = trainable ? spec.object("train").integer("epochs", 2, 1, 1000) : 0;
                journal.events.add("create " + type + " " + context.inputSize());
                return new FakeStage(type, trainable, context.inputSize(), hidden, epochs, journal);
            }

            @Override
            public String describe() {
                return type;
            }
        };
    }

    static final class FakeStage implements Stage {
        private final String type;
        private final boolean trainable;
        private final int inputs;
        private final int outputs;
        private final int epochs;
        private final Journal journal;
        float w;

        FakeStage(String type, boolean trainable, int inputs, int outputs, int epochs, Journal journal) {
            this.type = type;
            this.trainable = trainable;
            this.inputs = inputs;
            this.outputs = outputs;
            this.epochs = epochs;
            this.journal = journal;
        }

        @Override
        public int inputSize() {
            return inputs;
        }

        @Override
        public int outputSize() {
            return outputs;
        }

        @Override
        public String outputRange() {
            return Dataset.UNIT;
        }

        @Override
        public boolean trainable() {
            return trainable;
        }

        @Override
        public int epochs() {
            return epochs;
        }

        @Override
        public void fit(FloatMatrix data) {
            journal.events.add("fit " + type + " " + data.cols());
        }

        @Override
        public int prepareTraining(FloatMatrix train) {
            return 2;
        }

        @Override
        public double trainBatch(int batch) {
            int epoch = (int) w + 1;
            journal.beforeBatch.accept(type, epoch, batch);
            if (batch == 1) {
                w++;
                journal.events.add("epoch " + type + " " + epoch);
            }
            return 1.0 / epoch;
        }

        @Override
        public Map<String, Double> evaluate(FloatMatrix heldOut) {
            return Map.of("w", (double) w);
        }

        @Override
        public FloatMatrix encode(FloatMatrix input) {
            journal.encoded.add(type + " " + input.rows());
            return FloatMatrix.zeros(input.rows(), outputs);
        }

        @Override
        public DenseLayer encoderLayer() {
            return new DenseLayer(new Parameter("W", new int[] {inputs, outputs}, new float[inputs * outputs]),
                    new Parameter("b", new int[] {outputs}, new float[outputs]), "sigmoid");
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(new Parameter("w", new int[] {1}, new float[] {w}));
        }

        @Override
        public void restore(List<Parameter> saved) {
            w = saved.get(0).values()[0];
            journal.events.add("restore " + type + " " + (int) w);
        }

        @Override
        public void close() {
        }
    }

    /** 40 training and 10 test rows of 16 values in [0, 1], labelled 0..3. */
    static Dataset data() {
        float[] train = new float[40 * 16];
        float[] test = new float[10 * 16];
        for (int i = 0; i < train.length; i++) {
            train[i] = (i * 7 % 16) / 16f;
        }
        for (int i = 0; i < test.length; i++) {
            test[i] = (i * 5 % 16) / 16f;
        }
        int[] trainLabels = new int[40];
        int[] testLabels = new int[10];
        for (int i = 0; i < 40; i++) {
            trainLabels[i] = i % 4;
        }
        for (int i = 0; i < 10; i++) {
            testLabels[i] = i % 4;
        }
        return new Dataset("fake data", new FloatMatrix(40, 16, train), trainLabels, new FloatMatrix(10, 16, test),
                testLabels, Dataset.UNIT);
    }

    static DataSource source() {
        return new DataSource() {
            @Override
            public void validate(Spec spec) {
            }

            @Override
            public Dataset load(Spec spec) {
                return data();
            }

            @Override
            public String describe() {
                return "fake";
            }
        };
    }

    /** A classifying head that predicts class 0 for every row; it records the layers it was given. */
    static FineTuner head(Journal journal) {
        return new FineTuner() {
            @Override
            public Network create(Spec spec, List<DenseLayer> encoders, List<DenseLayer> decoders, int inputs,
                    int classes, long seed) {
                int epochs = spec.integer("epochs", 1, 1, 100);
                StringBuilder sizes = new StringBuilder();
                encoders.forEach(l -> sizes.append(' ').append(l.inputs()).append('-').append(l.outputs()));
                journal.events.add("finetune " + encoders.size() + " layers" + sizes + ", " + classes + " classes");
                return new Network() {
                    @Override
                    public int epochs() {
                        return epochs;
                    }

                    @Override
                    public int prepareTraining(FloatMatrix rows, int[] labels) {
                        return 1;
                    }

                    @Override
                    public double trainBatch(int batch) {
                        return 0.5;
                    }

                    @Override
                    public int[] predict(FloatMatrix rows) {
                        return new int[rows.rows()];
                    }

                    @Override
                    public double loss(FloatMatrix rows, int[] labels) {
                        return 0.25;
                    }

                    @Override
                    public List<Parameter> parameters() {
                        return List.of(new Parameter("W1", new int[] {1}, new float[] {1}));
                    }

                    @Override
                    public void restore(List<Parameter> saved) {
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public String describe() {
                return "fake head";
            }
        };
    }
}
