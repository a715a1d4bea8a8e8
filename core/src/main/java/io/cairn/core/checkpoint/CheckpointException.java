package io.cairn.core.checkpoint;

/**
 * A checkpoint operation failed: a background save, a commit, a restore.
 */
public class CheckpointException
        extends RuntimeException
{
    public CheckpointException(String message)
    {
        super(message);
    }

    public CheckpointException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
