package io.cairn.core.model;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Wraps a graph built with {@link Ops}. Register every variable with its role; the builder adds the
 * snapshot and restore ops checkpointing needs. Build the whole graph before {@link #build()}: a
 * variable created afterwards is not checkpointed.
 */
public final class ModelBuilder
{
    private static final Set<String> VARIABLE_OPS = Set.of("Variable", "VariableV2", "VarHandleOp");

    final Graph graph;
    private final Ops tf;
    private final Map<String, VariableEntry> variables = new LinkedHashMap<>();
    final List<Op> initializers = new ArrayList<>();
    final List<InitialValue> initialValues = new ArrayList<>();
    Operand<?> input;
    Operand<?> labels;
    Operand<?> output;
    Operand<? extends TNumber> loss;
    Operand<? extends TNumber> accuracy;
    Op trainOp;
    String description = "custom";
    String inputKey = "x";
    String outputKey = "y";

    ModelBuilder(Graph graph)
    {
        this.graph = requireNonNull(graph, "graph is null");
        this.tf = Ops.create(graph);
    }

    /**
     * The placeholder a batch of features is fed to, of any type.
     */
    public ModelBuilder input(Operand<?> input)
    {
        this.input = requireNonNull(input, "input is null");
        return this;
    }

    /**
     * The placeholder a batch of labels is fed to, of any type.
     */
    public ModelBuilder labels(Operand<?> labels)
    {
        this.labels = requireNonNull(labels, "labels is null");
        return this;
    }

    public ModelBuilder output(Operand<?> output)
    {
        this.output = requireNonNull(output, "output is null");
        return this;
    }

    /**
     * A numeric scalar: the batch's loss.
     */
    public ModelBuilder loss(Operand<? extends TNumber> loss)
    {
        this.loss = requireNonNull(loss, "loss is null");
        return this;
    }

    public ModelBuilder accuracy(Operand<? extends TNumber> accuracy)
    {
        this.accuracy = requireNonNull(accuracy, "accuracy is null");
        return this;
    }

    public ModelBuilder trainOp(Op trainOp)
    {
        this.trainOp = requireNonNull(trainOp, "trainOp is null");
        return this;
    }

    public ModelBuilder initializer(Op initializer)
    {
        initializers.add(requireNonNull(initializer, "initializer is null"));
        return this;
    }

    /**
     * An initializer fed at {@link Model#initialize()}: {@code assign} reads {@code placeholder}, which
     * gets a tensor from {@code value}. Unlike a constant, the value is not stored in the graph, so a
     * SavedModel's {@code saved_model.pb} stays the size of the graph, not of the weights.
     */
    public ModelBuilder initializer(Op assign, Operand<?> placeholder, Supplier<? extends Tensor> value)
    {
        initialValues.add(new InitialValue(requireNonNull(assign, "assign is null"), requireNonNull(placeholder, "placeholder is null"), requireNonNull(value, "value is null")));
        return this;
    }

    /**
     * The names of the input and output in the {@code serving_default} signature of {@code FULL}
     * checkpoints and exported SavedModels; {@code x} and {@code y} unless set.
     */
    public ModelBuilder signature(String inputKey, String outputKey)
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

    public ModelBuilder description(String description)
    {
        this.description = requireNonNull(description, "description is null");
        return this;
    }

    public ModelBuilder weight(Operand<?> variable)
    {
        return variable(variable, VariableRole.WEIGHT);
    }

    public ModelBuilder optimizerState(Operand<?> variable)
    {
        return variable(variable, VariableRole.OPTIMIZER);
    }

    public ModelBuilder variable(Operand<?> variable, VariableRole role)
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

    record InitialValue(Op assign, Operand<?> placeholder, Supplier<? extends Tensor> value) {}
}
