package io.cairn.core.tf;

import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBfloat16;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The TensorFlow side of the tensor types a checkpoint may hold ({@code Manifest.VariableEntry.DTYPES}):
 * TF's {@link DataType} and tensor class for each manifest type name ("FLOAT", "INT64", ...).
 */
public final class TensorTypes
{
    private static final Map<DataType, Class<? extends TType>> CLASSES = Map.of(
            DataType.DT_FLOAT, TFloat32.class,
            DataType.DT_DOUBLE, TFloat64.class,
            DataType.DT_HALF, TFloat16.class,
            DataType.DT_BFLOAT16, TBfloat16.class,
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

    public static Class<? extends TType> classOf(String name)
    {
        return classOf(parse(name));
    }

    /**
     * Bytes per element of a supported type.
     */
    public static int byteWidth(String name)
    {
        return switch (parse(name)) {
            case DT_DOUBLE, DT_INT64 -> 8;
            case DT_HALF, DT_BFLOAT16 -> 2;
            case DT_UINT8, DT_BOOL -> 1;
            default -> 4;
        };
    }

    public static Set<String> supportedNames()
    {
        return CLASSES.keySet().stream().map(TensorTypes::name).collect(Collectors.toCollection(TreeSet::new));
    }
}
