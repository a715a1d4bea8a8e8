package io.cairn.core.model;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Conversions between Java arrays and tensors: float matrices in and out, numeric scalars out.
 */
final class FloatMatrices
{
    private FloatMatrices() {}

    static TFloat32 matrix(float[][] rows)
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

    static TFloat32 matrix(float[] flat, int rows, int columns)
    {
        return TFloat32.tensorOf(Shape.of(rows, columns), DataBuffers.of(flat, true, false));
    }

    static float[][] rows(TFloat32 matrix)
    {
        int rows = (int) matrix.shape().get(0);
        int columns = (int) matrix.shape().get(1);
        float[][] values = new float[rows][columns];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                values[row][column] = matrix.getFloat(row, column);
            }
        }
        return values;
    }

    /**
     * The value of a numeric scalar tensor, such as a loss.
     */
    static double scalar(Tensor tensor, String what)
    {
        if (tensor instanceof TFloat32 value) {
            return value.getFloat();
        }
        if (tensor instanceof TFloat64 value) {
            return value.getDouble();
        }
        if (tensor instanceof TFloat16 value) {
            return value.getFloat();
        }
        if (tensor instanceof TBfloat16 value) {
            return value.getFloat();
        }
        if (tensor instanceof TInt32 value) {
            return value.getInt();
        }
        if (tensor instanceof TInt64 value) {
            return value.getLong();
        }
        throw new IllegalStateException("The model's " + what + " must be a numeric scalar, got " + tensor.dataType() + " " + tensor.shape());
    }
}
