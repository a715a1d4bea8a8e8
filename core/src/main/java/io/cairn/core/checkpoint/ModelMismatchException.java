package io.cairn.core.checkpoint;

/**
 * A checkpoint does not fit the model it is restored into: a variable is missing, extra, or of another
 * type or shape. The message names the variable and both shapes.
 */
public class ModelMismatchException
        extends CheckpointException
{
    public ModelMismatchException(String message)
    {
        super(message);
    }
}
