package io.cairn.core.checkpoint;

/**
 * Stored data is damaged or malformed: a chunk whose hash does not match, a missing chunk, an invalid
 * manifest. The message names the damaged thing.
 */
public class CorruptCheckpointException
        extends CheckpointException
{
    public CorruptCheckpointException(String message)
    {
        super(message);
    }

    public CorruptCheckpointException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
