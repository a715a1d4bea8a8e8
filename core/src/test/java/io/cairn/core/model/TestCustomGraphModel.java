package io.cairn.core.model;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.store.MemoryCheckpointStore;
import io.cairn.core.train.TrainerState;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
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
            Model.Builder builder = Model.builder(graph).input(x).labels(x).output(y).loss(tf.math.mean(y, tf.constant(new int[] {0, 1})))
                    .trainOp(tf.noOp()).weight(registered);
            assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("forgotten")
                    .hasMessageContaining("not registered");
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
