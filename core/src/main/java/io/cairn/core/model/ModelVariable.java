package io.cairn.core.model;

import io.cairn.core.tf.TensorTypes;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TType;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * One variable of a model as checkpoints see it: its name (the key in TF checkpoints), tensor type
 * (a manifest type name such as {@code FLOAT}), static shape and role. The ops that snapshot and
 * restore it stay inside the model.
 */
public final class ModelVariable
{
    private final String name;
    private final String dtype;
    private final long[] shape;
    private final VariableRole role;
    private final Operand<?> snapshot;
    private final Operand<?> restoreValue;
    private final Operand<?> restoreAssign;

    private ModelVariable(String name, String dtype, long[] shape, VariableRole role, Operand<?> snapshot, Operand<?> restoreValue, Operand<?> restoreAssign)
    {
        this.name = requireNonNull(name, "name is null");
        this.dtype = requireNonNull(dtype, "dtype is null");
        this.shape = requireNonNull(shape, "shape is null").clone();
        this.role = requireNonNull(role, "role is null");
        this.snapshot = requireNonNull(snapshot, "snapshot is null");
        this.restoreValue = requireNonNull(restoreValue, "restoreValue is null");
        this.restoreAssign = requireNonNull(restoreAssign, "restoreAssign is null");
    }

    /**
     * Adds the ops that snapshot the variable and assign it a fed value, each in its own name scope.
     */
    @SuppressWarnings("unchecked")
    static ModelVariable create(Ops snapshotScope, Ops restoreScope, String name, Operand<?> variable, VariableRole role)
    {
        Operand<TType> typed = (Operand<TType>) variable;
        Operand<TType> snapshot = snapshotScope.withName(name).snapshot(typed);
        Placeholder<TType> value = restoreScope.withName(name + "_value").placeholder(typed.type(), Placeholder.shape(variable.shape()));
        Operand<TType> assign = restoreScope.withName(name).assign(typed, value);
        return new ModelVariable(name, TensorTypes.name(snapshot.asOutput().dataType()), variable.shape().asArray(), role, snapshot, value, assign);
    }

    public String name()
    {
        return name;
    }

    /**
     * The tensor type by its manifest name: {@code FLOAT}, {@code DOUBLE}, {@code INT64}, ...
     */
    public String dtype()
    {
        return dtype;
    }

    public long[] shape()
    {
        return shape.clone();
    }

    public VariableRole role()
    {
        return role;
    }

    public long byteSize()
    {
        long elements = 1;
        for (long dimension : shape) {
            elements *= dimension;
        }
        return elements * TensorTypes.byteWidth(dtype);
    }

    public String shapeString()
    {
        return Arrays.toString(shape);
    }

    Operand<?> snapshotOp()
    {
        return snapshot;
    }

    Operand<?> restoreValue()
    {
        return restoreValue;
    }

    Operand<?> restoreAssign()
    {
        return restoreAssign;
    }

    @Override
    public String toString()
    {
        return name + " " + dtype + " " + shapeString() + " " + role.jsonName();
    }
}
