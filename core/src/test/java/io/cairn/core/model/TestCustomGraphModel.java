package io.cairn.core.model;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.internal.FileTrees;
import io.cairn.core.store.MemoryCheckpointStore;
import io.cairn.core.train.TrainerState;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A graph built by hand with {@link Ops} (linear regression, plain SGD) is trained, checkpointed and
 * restored like a {@link Sequential}.
 */
class TestCustomGraphModel
{
    private static final float[][] X = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}, {2, -1, 0.5f}, {-1, 3, 2}};
    private static final float[][] Y = new float[X.length][1];

    static {
        for (int i = 0; i < X.length; i++) {
            Y[i][0] = 2 * X[i][0] - X[i][1] + 0.5f * X[i][2] + 0.25f;
        }
    }

    @Test
    void wrappedGraphTrainsAndRoundTripsThroughACheckpoint()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        float[][] trainedPredictions;
        try (Model model = linearRegression()) {
            model.initialize();
            double firstLoss = model.trainStep(X, Y).loss();
            double lastLoss = firstLoss;
            for (int step = 0; step < 200; step++) {
                lastLoss = model.trainStep(X, Y).loss();
            }
            assertThat(lastLoss).isLessThan(firstLoss / 10);
            assertThat(model.variables()).extracting(ModelVariable::name).containsExactly("w", "b");
            assertThat(model.variables()).extracting(ModelVariable::role).containsOnly(VariableRole.WEIGHT);

            try (Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
                checkpointer.save(SaveKind.STATE, TrainerState.atStep(201), Map.of("loss", lastLoss));
            }
            trainedPredictions = model.predict(X);
        }

        try (Model fresh = linearRegression()) {
            fresh.initialize();
            assertThat(fresh.predict(X)).isNotEqualTo(trainedPredictions);
            Manifest manifest = repository.checkpoints().get(0);
            assertThat(manifest.variables()).extracting(Manifest.VariableEntry::name).containsExactly("w", "b");
            repository.restore(manifest, fresh);
            assertThat(fresh.predict(X)).isDeepEqualTo(trainedPredictions);
        }
    }

    @Test
    void anUnregisteredVariableIsRejectedByName()
    {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
            Variable<TFloat32> registered = tf.withName("registered").variable(Shape.of(1, 1), TFloat32.class);
            tf.withName("forgotten").variable(Shape.of(1), TFloat32.class);
            Operand<TFloat32> y = tf.linalg.matMul(x, registered);
            ModelBuilder builder = Model.builder(graph).input(x).labels(x).output(y).loss(tf.math.mean(y, tf.constant(new int[] {0, 1})))
                    .trainOp(tf.noOp()).weight(registered);
            assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("forgotten")
                    .hasMessageContaining("not registered");
        }
    }

    @Test
    void variablesOfEveryFloatTypeAndInt64RoundTripWithCustomSignatureNames()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        Map<String, Object> trained;
        try (Model model = mixedTypes()) {
            model.initialize();
            for (int step = 0; step < 5; step++) {
                try (TFloat64 x = TFloat64.tensorOf(Shape.of(2, 2), DataBuffers.of(new double[] {1, 2, 3, 4}, true, false));
                        TFloat64 y = TFloat64.tensorOf(Shape.of(2, 1), DataBuffers.of(new double[] {1, -1}, true, false))) {
                    assertThat(model.trainStep(x, y).loss()).isFinite();
                }
            }
            assertThat(model.variables()).extracting(ModelVariable::dtype).containsExactly("DOUBLE", "INT64", "HALF", "BFLOAT16");
            assertThat(model.servingSignature().inputNames()).containsExactly("features");
            assertThat(model.servingSignature().outputNames()).containsExactly("scores");
            trained = values(model);
            assertThat(trained.get("steps")).isEqualTo(5L);
            try (Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
                checkpointer.save(SaveKind.FULL, TrainerState.atStep(5), Map.of());
            }
        }
        // the FULL checkpoint is a SavedModel whose signature uses the names the builder was given
        Path exported = Files.createTempDirectory("cairn-custom-signature-");
        try {
            repository.materialize(repository.checkpoints().get(0), exported);
            try (SavedModelBundle bundle = SavedModelBundle.load(exported.toString(), "serve")) {
                Signature signature = bundle.function("serving_default").signature();
                assertThat(signature.inputNames()).containsExactly("features");
                assertThat(signature.outputNames()).containsExactly("scores");
            }
        }
        finally {
            FileTrees.deleteQuietly(exported);
        }
        try (Model fresh = mixedTypes()) {
            fresh.initialize();
            assertThat(values(fresh)).isNotEqualTo(trained);
            Manifest manifest = repository.checkpoints().get(0);
            assertThat(manifest.variables()).extracting(Manifest.VariableEntry::dtype).containsExactly("DOUBLE", "INT64", "HALF", "BFLOAT16");
            repository.restore(manifest, fresh);
            assertThat(values(fresh)).isEqualTo(trained);
        }
    }

    @Test
    void aMissingPartIsNamed()
    {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
            Variable<TFloat32> w = tf.withName("w").variable(Shape.of(1, 1), TFloat32.class);
            Operand<TFloat32> y = tf.linalg.matMul(x, w);
            Operand<TFloat32> loss = tf.math.mean(y, tf.constant(new int[] {0, 1}));
            assertThatThrownBy(() -> Model.builder(graph).labels(x).output(y).loss(loss).trainOp(tf.noOp()).weight(w).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("The model has no input: call input(placeholder)");
            assertThatThrownBy(() -> Model.builder(graph).input(x).labels(x).output(y).loss(loss).weight(w).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("The model has no train op: call trainOp(op)");
            assertThatThrownBy(() -> Model.builder(graph).input(x).labels(x).output(y).trainOp(tf.noOp()).weight(w).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no loss");
            assertThatThrownBy(() -> Model.builder(graph).signature("in", "in"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("different names");
            assertThatThrownBy(() -> Model.builder(graph).signature("9x", "y"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("inputKey");
        }
    }

    /**
     * A regression in doubles with an int64 step counter, and half-precision and bfloat16 weights that
     * training leaves alone.
     */
    private static Model mixedTypes()
    {
        Graph graph = new Graph();
        Ops tf = Ops.create(graph);
        Placeholder<TFloat64> x = tf.withName("x").placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, 2)));
        Placeholder<TFloat64> labels = tf.withName("labels").placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, 1)));
        Variable<TFloat64> w = tf.withName("w").variable(Shape.of(2, 1), TFloat64.class);
        Variable<TInt64> steps = tf.withName("steps").variable(Shape.scalar(), TInt64.class);
        Variable<TFloat16> half = tf.withName("half").variable(Shape.of(3), TFloat16.class);
        Variable<TBfloat16> brain = tf.withName("brain").variable(Shape.of(2), TBfloat16.class);
        Operand<TFloat64> y = tf.linalg.matMul(x, w);
        Operand<TFloat64> loss = tf.math.mean(tf.math.square(tf.math.sub(y, labels)), tf.constant(new int[] {0, 1}));
        var gradients = tf.gradients(loss, List.of(w));
        Op train = tf.withControlDependencies(List.of(
                tf.withControlDependencies(List.of(gradients.dy(0))).train.applyGradientDescent(w, tf.constant(0.01), gradients.<TFloat64>dy(0)),
                tf.assignAdd(steps, tf.constant(1L)))).noOp();
        return Model.builder(graph)
                .input(x)
                .labels(labels)
                .output(y)
                .loss(loss)
                .trainOp(train)
                .signature("features", "scores")
                .initializer(tf.assign(w, tf.constant(new double[][] {{0.5}, {-0.25}})))
                .initializer(tf.assign(steps, tf.constant(0L)))
                .initializer(tf.assign(half, tf.dtypes.cast(tf.random.randomUniform(tf.constant(new long[] {3}), TFloat32.class), TFloat16.class)))
                .initializer(tf.assign(brain, tf.dtypes.cast(tf.random.randomUniform(tf.constant(new long[] {2}), TFloat32.class), TBfloat16.class)))
                .weight(w)
                .optimizerState(steps)
                .weight(half)
                .weight(brain)
                .build();
    }

    private static Map<String, Object> values(Model model)
    {
        try (Result result = model.session().runner().fetch("w").fetch("steps").fetch("half").fetch("brain").run()) {
            Map<String, Object> values = new LinkedHashMap<>();
            TFloat64 w = (TFloat64) result.get(0);
            values.put("w", List.of(w.getDouble(0, 0), w.getDouble(1, 0)));
            values.put("steps", ((TInt64) result.get(1)).getLong());
            TFloat16 half = (TFloat16) result.get(2);
            values.put("half", List.of(half.getFloat(0), half.getFloat(1), half.getFloat(2)));
            TBfloat16 brain = (TBfloat16) result.get(3);
            values.put("brain", List.of(brain.getFloat(0), brain.getFloat(1)));
            return values;
        }
    }

    private static Model linearRegression()
    {
        Graph graph = new Graph();
        Ops tf = Ops.create(graph);
        Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
        Placeholder<TFloat32> labels = tf.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
        Variable<TFloat32> w = tf.withName("w").variable(Shape.of(3, 1), TFloat32.class);
        Variable<TFloat32> b = tf.withName("b").variable(Shape.of(1), TFloat32.class);
        Op initW = tf.assign(w, tf.constant(new float[][] {{0.1f}, {0.1f}, {0.1f}}));
        Op initB = tf.assign(b, tf.constant(new float[] {0f}));
        Operand<TFloat32> y = tf.math.add(tf.linalg.matMul(x, w), b);
        Operand<TFloat32> loss = tf.math.mean(tf.math.square(tf.math.sub(y, labels)), tf.constant(new int[] {0, 1}));
        Operand<TFloat32> lr = tf.constant(0.05f);
        var gradients = tf.gradients(loss, List.of(w, b));
        Ops afterGradients = tf.withControlDependencies(List.of(gradients.dy(0), gradients.dy(1)));
        Op train = tf.withControlDependencies(List.of(
                afterGradients.train.applyGradientDescent(w, lr, gradients.<TFloat32>dy(0)),
                afterGradients.train.applyGradientDescent(b, lr, gradients.<TFloat32>dy(1)))).noOp();
        return Model.builder(graph)
                .input(x)
                .labels(labels)
                .output(y)
                .loss(loss)
                .trainOp(train)
                .initializer(initW)
                .initializer(initB)
                .weight(w)
                .weight(b)
                .build();
    }
}
