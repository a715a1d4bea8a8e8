package io.cairn.core.model;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

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
    private final Operand<TFloat32> input;
    private final Operand<TFloat32> labels;
    private final Operand<TFloat32> output;
    private final Operand<TFloat32> loss;
    private final Optional<Operand<TFloat32>> accuracy;
    private final Op trainOp;
    private final List<Op> initializers;
    private final List<InitialValue> initialValues;
    private final List<ModelVariable> variables;
    private final Map<String, ModelVariable> variablesByName;
    private final String description;

    private Model(Builder builder, List<ModelVariable> variables)
    {
        this.graph = builder.graph;
        this.session = new Session(graph);
        this.input = requireNonNull(builder.input, "input is not set");
        this.labels = requireNonNull(builder.labels, "labels is not set");
        this.output = requireNonNull(builder.output, "output is not set");
        this.loss = requireNonNull(builder.loss, "loss is not set");
        this.accuracy = Optional.ofNullable(builder.accuracy);
        this.trainOp = requireNonNull(builder.trainOp, "trainOp is not set");
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

    public static Builder builder(Graph graph)
    {
        return new Builder(graph);
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
            for (InitialValue initialValue : initialValues) {
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
    public StepMetrics trainStep(TFloat32 batchInput, TFloat32 batchLabels)
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
    public StepMetrics evaluate(TFloat32 batchInput, TFloat32 batchLabels)
    {
        return run(batchInput, batchLabels, false);
    }

    private StepMetrics run(TFloat32 batchInput, TFloat32 batchLabels, boolean train)
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
            float lossValue = ((TFloat32) result.get(0)).getFloat();
            double accuracyValue = accuracy.isPresent() ? ((TFloat32) result.get(1)).getFloat() : Double.NaN;
            return new StepMetrics(lossValue, accuracyValue);
        }
    }

    public float[][] predict(float[][] batchInput)
    {
        try (TFloat32 x = matrix(batchInput);
                Result result = session.runner().feed(input, x).fetch(output).run()) {
            TFloat32 y = (TFloat32) result.get(0);
            int rows = (int) y.shape().get(0);
            int columns = (int) y.shape().get(1);
            float[][] values = new float[rows][columns];
            for (int row = 0; row < rows; row++) {
                for (int column = 0; column < columns; column++) {
                    values[row][column] = y.getFloat(row, column);
                }
            }
            return values;
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
                .input("x", input)
                .output("y", output)
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
        int columns = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * columns];
        for (int row = 0; row < rows.length; row++) {
            if (rows[row].length != columns) {
                throw new IllegalArgumentException("Row " + row + " has " + rows[row].length + " values, expected " + columns);
            }
            System.arraycopy(rows[row], 0, flat, row * columns, columns);
        }
        return matrix(flat, rows.length, columns);
    }

    public static TFloat32 matrix(float[] flat, int rows, int columns)
    {
        return TFloat32.tensorOf(Shape.of(rows, columns), DataBuffers.of(flat, true, false));
    }

    /**
     * Wraps a graph built with {@link Ops}. Register every variable with its role; the builder adds the
     * snapshot and restore ops checkpointing needs. Build the whole graph before {@link #build()}: a
     * variable created afterwards is not checkpointed.
     */
    public static final class Builder
    {
        private static final Set<String> VARIABLE_OPS = Set.of("Variable", "VariableV2", "VarHandleOp");

        private final Graph graph;
        private final Ops tf;
        private final Map<String, VariableEntry> variables = new LinkedHashMap<>();
        private final List<Op> initializers = new ArrayList<>();
        private final List<InitialValue> initialValues = new ArrayList<>();
        private Operand<TFloat32> input;
        private Operand<TFloat32> labels;
        private Operand<TFloat32> output;
        private Operand<TFloat32> loss;
        private Operand<TFloat32> accuracy;
        private Op trainOp;
        private String description = "custom";

        private Builder(Graph graph)
        {
            this.graph = requireNonNull(graph, "graph is null");
            this.tf = Ops.create(graph);
        }

        public Builder input(Operand<TFloat32> input)
        {
            this.input = requireNonNull(input, "input is null");
            return this;
        }

        public Builder labels(Operand<TFloat32> labels)
        {
            this.labels = requireNonNull(labels, "labels is null");
            return this;
        }

        public Builder output(Operand<TFloat32> output)
        {
            this.output = requireNonNull(output, "output is null");
            return this;
        }

        public Builder loss(Operand<TFloat32> loss)
        {
            this.loss = requireNonNull(loss, "loss is null");
            return this;
        }

        public Builder accuracy(Operand<TFloat32> accuracy)
        {
            this.accuracy = requireNonNull(accuracy, "accuracy is null");
            return this;
        }

        public Builder trainOp(Op trainOp)
        {
            this.trainOp = requireNonNull(trainOp, "trainOp is null");
            return this;
        }

        public Builder initializer(Op initializer)
        {
            initializers.add(requireNonNull(initializer, "initializer is null"));
            return this;
        }

        /**
         * An initializer fed at {@link Model#initialize()}: {@code assign} reads {@code placeholder}, which
         * gets a tensor from {@code value}. Unlike a constant, the value is not stored in the graph, so a
         * SavedModel's {@code saved_model.pb} stays the size of the graph, not of the weights.
         */
        public Builder initializer(Op assign, Operand<?> placeholder, Supplier<? extends Tensor> value)
        {
            initialValues.add(new InitialValue(requireNonNull(assign, "assign is null"), requireNonNull(placeholder, "placeholder is null"), requireNonNull(value, "value is null")));
            return this;
        }

        public Builder description(String description)
        {
            this.description = requireNonNull(description, "description is null");
            return this;
        }

        public Builder weight(Operand<?> variable)
        {
            return variable(variable, VariableRole.WEIGHT);
        }

        public Builder optimizerState(Operand<?> variable)
        {
            return variable(variable, VariableRole.OPTIMIZER);
        }

        public Builder variable(Operand<?> variable, VariableRole role)
        {
            requireNonNull(variable, "variable is null");
            requireNonNull(role, "role is null");
            String name = variable.op().name();
            if (variables.putIfAbsent(name, new VariableEntry(variable, role)) != null) {
                throw new IllegalArgumentException("Variable " + name + " is registered twice");
            }
            return this;
        }

        public Model build()
        {
            if (variables.isEmpty()) {
                throw new IllegalStateException("Model has no variables; register them with weight(...) and optimizerState(...)");
            }
            // an unregistered variable would be left out of checkpoints: a FULL one would not load in TensorFlow
            // (its saver restores every variable) and resume would not be exact
            for (Iterator<GraphOperation> operations = graph.operations(); operations.hasNext(); ) {
                GraphOperation operation = operations.next();
                if (VARIABLE_OPS.contains(operation.type()) && !variables.containsKey(operation.name())) {
                    throw new IllegalArgumentException("Variable " + operation.name() + " is in the graph but not registered; register it with weight(...) or optimizerState(...)");
                }
            }
            List<ModelVariable> built = new ArrayList<>();
            Ops restoreScope = tf.withSubScope("cairn_restore");
            Ops snapshotScope = tf.withSubScope("cairn_snapshot");
            for (Map.Entry<String, VariableEntry> entry : variables.entrySet()) {
                Operand<?> variable = entry.getValue().variable();
                Shape shape = variable.shape();
                if (shape.isUnknown() || shape.hasUnknownDimension()) {
                    throw new IllegalArgumentException("Variable " + entry.getKey() + " must have a fully known shape, got " + shape);
                }
                built.add(ModelVariable.create(snapshotScope, restoreScope, entry.getKey(), variable, entry.getValue().role()));
            }
            return new Model(this, built);
        }

        Ops ops()
        {
            return tf;
        }

        private record VariableEntry(Operand<?> variable, VariableRole role) {}
    }

    private record InitialValue(Op assign, Operand<?> placeholder, Supplier<? extends Tensor> value)
    {
    }
}
