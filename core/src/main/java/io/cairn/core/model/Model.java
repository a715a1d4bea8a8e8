package io.cairn.core.model;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

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
    private final Operand<?> input;
    private final Operand<?> labels;
    private final Operand<?> output;
    private final Operand<? extends TNumber> loss;
    private final Optional<Operand<? extends TNumber>> accuracy;
    private final String inputKey;
    private final String outputKey;
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
        private Operand<?> input;
        private Operand<?> labels;
        private Operand<?> output;
        private Operand<? extends TNumber> loss;
        private Operand<? extends TNumber> accuracy;
        private Op trainOp;
        private String description = "custom";
        private String inputKey = "x";
        private String outputKey = "y";

        private Builder(Graph graph)
        {
            this.graph = requireNonNull(graph, "graph is null");
            this.tf = Ops.create(graph);
        }

        /**
         * The placeholder a batch of features is fed to, of any type.
         */
        public Builder input(Operand<?> input)
        {
            this.input = requireNonNull(input, "input is null");
            return this;
        }

        /**
         * The placeholder a batch of labels is fed to, of any type.
         */
        public Builder labels(Operand<?> labels)
        {
            this.labels = requireNonNull(labels, "labels is null");
            return this;
        }

        public Builder output(Operand<?> output)
        {
            this.output = requireNonNull(output, "output is null");
            return this;
        }

        /**
         * A numeric scalar: the batch's loss.
         */
        public Builder loss(Operand<? extends TNumber> loss)
        {
            this.loss = requireNonNull(loss, "loss is null");
            return this;
        }

        public Builder accuracy(Operand<? extends TNumber> accuracy)
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

        /**
         * The names of the input and output in the {@code serving_default} signature of {@code FULL}
         * checkpoints and exported SavedModels; {@code x} and {@code y} unless set.
         */
        public Builder signature(String inputKey, String outputKey)
        {
            this.inputKey = checkSignatureKey(inputKey, "inputKey");
            this.outputKey = checkSignatureKey(outputKey, "outputKey");
            if (inputKey.equals(outputKey)) {
                throw new IllegalArgumentException("The signature's input and output need different names, both are '" + inputKey + "'");
            }
            return this;
        }

        private static String checkSignatureKey(String key, String what)
        {
            if (key == null || !key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException(what + " must be a name of letters, digits and '_', not starting with a digit; got '" + key + "'");
            }
            return key;
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

        /**
         * @throws IllegalStateException naming the part that was never set
         */
        public Model build()
        {
            require(input, "input", "input(placeholder)");
            require(labels, "labels", "labels(placeholder)");
            require(output, "output", "output(operand)");
            require(loss, "loss", "loss(scalar)");
            require(trainOp, "train op", "trainOp(op)");
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

        private static void require(Object part, String name, String setter)
        {
            if (part == null) {
                throw new IllegalStateException("The model has no " + name + ": call " + setter + " on Model.builder(graph) before build()");
            }
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
