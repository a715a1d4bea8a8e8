package io.cairn.core.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.Locale;

public enum Activation
{
    LINEAR,
    RELU,
    SIGMOID,
    TANH,
    SOFTMAX;

    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x)
    {
        return switch (this) {
            case LINEAR -> x;
            case RELU -> tf.nn.relu(x);
            case SIGMOID -> tf.math.sigmoid(x);
            case TANH -> tf.math.tanh(x);
            case SOFTMAX -> tf.nn.softmax(x);
        };
    }

    public static Activation parse(String name)
    {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown activation '" + name + "'; expected one of linear, relu, sigmoid, tanh, softmax");
        }
    }
}
