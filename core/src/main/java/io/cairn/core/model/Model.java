package io.cairn.core.model;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A trainable TensorFlow graph: a {@link Graph} and its {@link Session} with named input, labels,
 * output, loss, train op, and its variables split into model weights and optimizer state.
 *
 * <p>{@link Sequential} builds the Keras-like stacks the seed uses; {@link #builder(Graph)} wraps
 * any graph built with {@link Ops}. The model owns the graph and session and closes them.
 *
 * <p>Not thread-safe: one training thread drives it. Snapshots it hands out are independent copies
 * and may be used on any thread.
 */
public final class Model
        implements AutoCloseable
{
    private final Graph graph;
    private final Session session;
    private final Operand<?> input;
    private final Operand<?> labels;
    private final Operand<?> output;
    private final Operand<? extends TNumber> loss;
    private final Optional<Operand<? extends TNumber>> accuracy;
    private final String inputKey;
    private final String outputKey;
    private final Op trainOp;
    private final List<Op> initializers;
    private final List<ModelBuilder.InitialValue> initialValues;
    private final List<ModelVariable> variables;
    private final Map<String, ModelVariable> variablesByName;
    private final String description;

    Model(ModelBuilder builder, List<ModelVariable> variables)
    {
        this.graph = builder.graph;
        this.session = new Session(graph);
        this.input = builder.input;
        this.labels = builder.labels;
        this.output = builder.output;
        this.loss = builder.loss;
        this.accuracy = Optional.ofNullable(builder.accuracy);
        this.trainOp = builder.trainOp;
        this.inputKey = builder.inputKey;
        this.outputKey = builder.outputKey;
        this.initializers = List.copyOf(builder.initializers);
        this.initialValues = List.copyOf(builder.initialValues);
        this.variables = List.copyOf(variables);
        this.description = builder.description;
        Map<String, ModelVariable> byName = new LinkedHashMap<>();
        for (ModelVariable variable : variables) {
            byName.put(variable.name(), variable);
        }
        this.variablesByName = byName;
    }

    /**
     * Wraps a graph built with {@link Ops}: see {@link ModelBuilder}.
     */
    public static ModelBuilder builder(Graph graph)
    {
        return new ModelBuilder(graph);
    }

    /**
     * Sets every variable to its initial value (seeded, so the same code gives the same values).
     */
    public void initialize()
    {
        Session.Runner runner = session.runner();
        initializers.forEach(runner::addTarget);
        List<Tensor> fed = new ArrayList<>();
        try {
            for (ModelBuilder.InitialValue initialValue : initialValues) {
                Tensor value = initialValue.value().get();
                fed.add(value);
                runner.feed(initialValue.placeholder(), value);
                runner.addTarget(initialValue.assign());
            }
            if (!runner.isEmpty()) {
                runner.run().close();
            }
        }
        finally {
            fed.forEach(Tensor::close);
        }
        // initializers registered by tf.variable(init) in wrapped graphs
        session.initialize();
    }

    /**
     * Runs one optimizer step on a batch and returns the batch's loss and accuracy, computed from
     * the weights before the update.
     */
    public StepMetrics trainStep(Tensor batchInput, Tensor batchLabels)
    {
        return run(batchInput, batchLabels, true);
    }

    public StepMetrics trainStep(float[][] batchInput, float[][] batchLabels)
    {
        try (TFloat32 x = matrix(batchInput); TFloat32 y = matrix(batchLabels)) {
            return trainStep(x, y);
        }
    }

    /**
     * Loss and accuracy on a batch without training.
     */
    public StepMetrics evaluate(Tensor batchInput, Tensor batchLabels)
    {
        return run(batchInput, batchLabels, false);
    }

    private StepMetrics run(Tensor batchInput, Tensor batchLabels, boolean train)
    {
        Session.Runner runner = session.runner()
                .feed(input, batchInput)
                .feed(labels, batchLabels)
                .fetch(loss);
        if (train) {
            runner.addTarget(trainOp);
        }
        accuracy.ifPresent(runner::fetch);
        try (Result result = runner.run()) {
            double lossValue = FloatMatrices.scalar(result.get(0), "loss");
            double accuracyValue = accuracy.isPresent() ? FloatMatrices.scalar(result.get(1), "accuracy") : Double.NaN;
            return new StepMetrics(lossValue, accuracyValue);
        }
    }

    /**
     * The model's output for a batch, for a model with a float matrix input and output.
     */
    public float[][] predict(float[][] batchInput)
    {
        if (input.type() != TFloat32.class || output.type() != TFloat32.class) {
            throw new IllegalStateException("predict(float[][]) needs a FLOAT input and output; this model's input is " + input.asOutput().dataType()
                    + " and its output " + output.asOutput().dataType() + ": run session() with tensors of those types instead");
        }
        try (TFloat32 x = matrix(batchInput);
                Result result = session.runner().feed(input, x).fetch(output).run()) {
            return FloatMatrices.rows((TFloat32) result.get(0));
        }
    }

    /**
     * Copies the selected variables in one {@code Session.run} of {@code tf.snapshot}: a memory copy
     * that later steps cannot tear (fetching the variable itself would alias live memory). Run it on
     * the training thread between two steps.
     */
    public ModelSnapshot snapshot(Predicate<ModelVariable> selection)
    {
        List<ModelVariable> selected = variables.stream().filter(selection).toList();
        Session.Runner runner = session.runner();
        selected.forEach(variable -> runner.fetch(variable.snapshotOp()));
        List<Tensor> tensors = new ArrayList<>(selected.size());
        Result result = runner.run();
        // the snapshot takes ownership of the tensors; the Result wrapper is not closed so they stay alive
        for (int i = 0; i < selected.size(); i++) {
            tensors.add(result.get(i));
        }
        return new ModelSnapshot(selected, tensors, result);
    }

    /**
     * Assigns values to variables in one {@code Session.run}. Shapes and types must already have been
     * checked against {@link #variables()}.
     */
    public void assign(Map<String, ? extends Tensor> values)
    {
        Session.Runner runner = session.runner();
        for (Map.Entry<String, ? extends Tensor> entry : values.entrySet()) {
            ModelVariable variable = variable(entry.getKey())
                    .orElseThrow(() -> new IllegalArgumentException("Model has no variable " + entry.getKey()));
            runner.feed(variable.restoreValue(), entry.getValue());
            runner.addTarget(variable.restoreAssign());
        }
        if (!runner.isEmpty()) {
            runner.run().close();
        }
    }

    public List<ModelVariable> variables()
    {
        return variables;
    }

    public Optional<ModelVariable> variable(String name)
    {
        return Optional.ofNullable(variablesByName.get(name));
    }

    public Signature servingSignature()
    {
        return Signature.builder(Signature.DEFAULT_KEY)
                .input(inputKey, input)
                .output(outputKey, output)
                .build();
    }

    public int inputSize()
    {
        return (int) input.shape().get(1);
    }

    public int outputSize()
    {
        return (int) output.shape().get(1);
    }

    /**
     * A short human description, e.g. "mlp:100,10,5 adam".
     */
    public String description()
    {
        return description;
    }

    public Graph graph()
    {
        return graph;
    }

    public Session session()
    {
        return session;
    }

    @Override
    public void close()
    {
        session.close();
        graph.close();
    }

    public static TFloat32 matrix(float[][] rows)
    {
        return FloatMatrices.matrix(rows);
    }

    public static TFloat32 matrix(float[] flat, int rows, int columns)
    {
        return FloatMatrices.matrix(flat, rows, columns);
    }

    /**
     * The rows of a float matrix: the inverse of {@link #matrix(float[][])}.
     */
    public static float[][] rows(TFloat32 matrix)
    {
        return FloatMatrices.rows(matrix);
    }

}
