package io.cairn.core.model;

import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

import java.util.Locale;
import java.util.Map;

/**
 * The tensor types a checkpoint may hold, by the names manifests use ("FLOAT", "INT64", ...).
 */
public final class TensorTypes
{
    private static final Map<DataType, Class<? extends TType>> CLASSES = Map.of(
            DataType.DT_FLOAT, TFloat32.class,
            DataType.DT_DOUBLE, TFloat64.class,
            DataType.DT_HALF, TFloat16.class,
            DataType.DT_INT32, TInt32.class,
            DataType.DT_INT64, TInt64.class,
            DataType.DT_UINT8, TUint8.class,
            DataType.DT_BOOL, TBool.class);

    private TensorTypes() {}

    public static String name(DataType type)
    {
        return type.name().substring("DT_".length());
    }

    public static DataType parse(String name)
    {
        DataType type;
        try {
            type = DataType.valueOf("DT_" + name.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown tensor type '" + name + "'; supported: " + supportedNames());
        }
        classOf(type);
        return type;
    }

    public static Class<? extends TType> classOf(DataType type)
    {
        Class<? extends TType> result = CLASSES.get(type);
        if (result == null) {
            throw new IllegalArgumentException("Tensor type " + name(type) + " is not supported in checkpoints; supported: " + supportedNames());
        }
        return result;
    }

    private static String supportedNames()
    {
        return CLASSES.keySet().stream().map(TensorTypes::name).sorted().toList().toString();
    }
}
