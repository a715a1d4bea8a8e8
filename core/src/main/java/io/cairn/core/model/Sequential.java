package io.cairn.core.model;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * A Keras-like stack of {@code Dense} layers:
 * <pre>{@code
 * Model model = Sequential.builder(100)
 *         .dense(10, Activation.RELU)
 *         .dense(5, Activation.SOFTMAX)
 *         .loss(Loss.CATEGORICAL_CROSSENTROPY)
 *         .optimizer(Optimizer.adam(0.001))
 *         .seed(42)
 *         .build();
 * }</pre>
 * Kernels start Glorot-uniform from the seed, biases at zero, so the same seed gives the same model.
 * Variables are named {@code dense_<i>_kernel} and {@code dense_<i>_bias}.
 */
public final class Sequential
{
    private final int inputs;
    private final List<Layer> layers = new ArrayList<>();
    private Loss loss = Loss.CATEGORICAL_CROSSENTROPY;
    private Optimizer optimizer = Optimizer.adam(0.001);
    private long seed = 42;
    private int frozenLayers;

    private Sequential(int inputs)
    {
        if (inputs <= 0) {
            throw new IllegalArgumentException("A model needs at least one input, got " + inputs);
        }
        this.inputs = inputs;
    }

    public static Sequential builder(int inputs)
    {
        return new Sequential(inputs);
    }

    /**
     * The {@code mlp:A,B,...,Z} model of the command line: A inputs, relu hidden layers, a softmax
     * output of Z classes, categorical cross-entropy, Adam.
     */
    public static Sequential mlp(int... sizes)
    {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("An mlp needs at least an input and an output size, e.g. mlp:100,10,5");
        }
        Sequential builder = new Sequential(sizes[0]);
        for (int i = 1; i < sizes.length; i++) {
            builder.dense(sizes[i], i == sizes.length - 1 ? Activation.SOFTMAX : Activation.RELU);
        }
        return builder;
    }

    public Sequential dense(int units, Activation activation)
    {
        if (units <= 0) {
            throw new IllegalArgumentException("A dense layer needs at least one unit, got " + units);
        }
        layers.add(new Layer(units, requireNonNull(activation, "activation is null")));
        return this;
    }

    public Sequential loss(Loss loss)
    {
        this.loss = requireNonNull(loss, "loss is null");
        return this;
    }

    public Sequential optimizer(Optimizer optimizer)
    {
        this.optimizer = requireNonNull(optimizer, "optimizer is null");
        return this;
    }

    public Sequential seed(long seed)
    {
        this.seed = seed;
        return this;
    }

    /**
     * Freezes the first {@code layers} dense layers: training leaves their kernels and biases as they
     * are (restored from a checkpoint, say) and gives them no optimizer slots. They are still model
     * weights, saved with every checkpoint; unchanged, they cost no new bytes after their first save.
     */
    public Sequential freeze(int layers)
    {
        if (layers < 0) {
            throw new IllegalArgumentException("frozen layers must not be negative, got " + layers);
        }
        this.frozenLayers = layers;
        return this;
    }

    public Model build()
    {
        if (layers.isEmpty()) {
            throw new IllegalStateException("A Sequential model needs at least one dense layer");
        }
        if (frozenLayers >= layers.size()) {
            throw new IllegalStateException("Cannot freeze " + frozenLayers + " of " + layers.size() + " dense layers: at least the last one must train");
        }
        Graph graph = new Graph();
        try {
            return build(graph);
        }
        catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    private Model build(Graph graph)
    {
        ModelBuilder model = Model.builder(graph);
        Ops tf = model.ops();
        SplittableRandom random = new SplittableRandom(seed);
        int outputs = layers.get(layers.size() - 1).units();

        Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, inputs)));
        Placeholder<TFloat32> y = tf.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, outputs)));

        // the variables training updates: every layer's but the frozen ones'
        List<Variable<TFloat32>> weights = new ArrayList<>();
        Operand<TFloat32> activations = x;
        Operand<TFloat32> logits = x;
        int fanIn = inputs;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String prefix = "dense_" + (i + 1);
            Variable<TFloat32> kernel = variable(model, tf, prefix + "_kernel", new long[] {fanIn, layer.units()}, glorotUniform(random.split().nextLong(), fanIn, layer.units()), VariableRole.WEIGHT);
            Variable<TFloat32> bias = variable(model, tf, prefix + "_bias", new long[] {layer.units()}, filled(0f), VariableRole.WEIGHT);
            if (i >= frozenLayers) {
                weights.add(kernel);
                weights.add(bias);
            }
            logits = tf.nn.biasAdd(tf.linalg.matMul(activations, kernel), bias);
            activations = layer.activation().apply(tf, logits);
            fanIn = layer.units();
        }
        Operand<TFloat32> output = tf.withName("y").identity(activations);

        Operand<TFloat32> lossValue = switch (loss) {
            case CATEGORICAL_CROSSENTROPY -> crossEntropy(tf, logits, output, y);
            case MEAN_SQUARED_ERROR -> tf.math.mean(tf.math.square(tf.math.sub(output, y)), tf.constant(new int[] {0, 1}));
        };
        lossValue = tf.withName("loss").identity(lossValue);
        Operand<TFloat32> accuracy = tf.withName("accuracy").math.mean(
                tf.dtypes.cast(tf.math.equal(tf.math.argMax(output, tf.constant(1)), tf.math.argMax(y, tf.constant(1))), TFloat32.class),
                tf.constant(0));

        Optimizer.SlotFactory slots = (name, shape, initialValue) -> variable(model, tf, name, shape, filled(initialValue), VariableRole.OPTIMIZER);
        model.trainOp(optimizer.minimize(tf, lossValue, weights, slots));

        return model.input(x)
                .labels(y)
                .output(output)
                .loss(lossValue)
                .accuracy(accuracy)
                .description(describe())
                .build();
    }

    private String describe()
    {
        StringBuilder text = new StringBuilder("sequential ").append(inputs);
        for (Layer layer : layers) {
            text.append(" -> dense(").append(layer.units()).append(", ").append(layer.activation().name().toLowerCase(Locale.ROOT)).append(')');
        }
        if (frozenLayers > 0) {
            text.append(", first ").append(frozenLayers).append(frozenLayers == 1 ? " layer" : " layers").append(" frozen");
        }
        return text.append(", ").append(loss.name().toLowerCase(Locale.ROOT)).append(", ").append(optimizer.name()).toString();
    }

    private Operand<TFloat32> crossEntropy(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> output, Operand<TFloat32> labels)
    {
        if (layers.get(layers.size() - 1).activation() == Activation.SOFTMAX) {
            // from the logits: numerically stable, and the fused op has a registered gradient
            return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, labels).loss(), tf.constant(0));
        }
        Operand<TFloat32> clipped = tf.math.maximum(output, tf.constant(1e-7f));
        return tf.math.neg(tf.math.mean(tf.reduceSum(tf.math.mul(labels, tf.math.log(clipped)), tf.constant(1)), tf.constant(0)));
    }

    /**
     * A variable set at {@link Model#initialize()} from values computed then (from the seed), fed
     * through a placeholder: the graph holds no copy of the initial weights.
     */
    private static Variable<TFloat32> variable(ModelBuilder model, Ops tf, String name, long[] shape, InitialValues initial, VariableRole role)
    {
        Variable<TFloat32> variable = tf.withName(name).variable(Shape.of(shape), TFloat32.class);
        Placeholder<TFloat32> value = tf.withName(name + "_initial_value").placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
        int size = Math.toIntExact(Shape.of(shape).size());
        model.initializer(tf.withName(name + "_init").assign(variable, value), value,
                () -> TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(initial.values(size), true, false)));
        model.variable(variable, role);
        return variable;
    }

    private interface InitialValues
    {
        float[] values(int size);
    }

    private static InitialValues filled(float value)
    {
        return size -> {
            float[] values = new float[size];
            Arrays.fill(values, value);
            return values;
        };
    }

    private static InitialValues glorotUniform(long seed, int fanIn, int fanOut)
    {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        return size -> {
            SplittableRandom random = new SplittableRandom(seed);
            float[] values = new float[size];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextDouble(-limit, limit);
            }
            return values;
        };
    }

    private record Layer(int units, Activation activation) {}
}
