package io.cairn.core.model;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * One variable of a model with what checkpointing needs of it: its name (the key in TF checkpoints),
 * type, static shape, role, the op that snapshots it, and the placeholder and assign op that restore
 * it.
 */
public record ModelVariable(
        String name,
        DataType dataType,
        long[] shape,
        VariableRole role,
        Operand<?> variable,
        Operand<?> snapshot,
        Operand<?> restoreValue,
        Operand<?> restoreAssign)
{
    public ModelVariable
    {
        requireNonNull(name, "name is null");
        requireNonNull(dataType, "dataType is null");
        requireNonNull(shape, "shape is null");
        requireNonNull(role, "role is null");
        requireNonNull(variable, "variable is null");
        requireNonNull(snapshot, "snapshot is null");
        requireNonNull(restoreValue, "restoreValue is null");
        requireNonNull(restoreAssign, "restoreAssign is null");
        shape = shape.clone();
    }

    @Override
    public long[] shape()
    {
        return shape.clone();
    }

    public Shape tfShape()
    {
        return Shape.of(shape);
    }

    public long byteSize()
    {
        long elements = 1;
        for (long dimension : shape) {
            elements *= dimension;
        }
        int width = switch (dataType) {
            case DT_DOUBLE, DT_INT64 -> 8;
            case DT_HALF -> 2;
            case DT_UINT8, DT_BOOL -> 1;
            default -> 4;
        };
        return elements * width;
    }

    public String shapeString()
    {
        return Arrays.toString(shape);
    }
}
