package io.cairn.core.data;

import java.io.IOException;

/**
 * Training data that cannot be used as given: a missing file, a cell that is not a number, a ragged
 * row, a class index out of range. The message names the file and line; the fix is in the data, so
 * retrying does not help.
 */
public class MalformedDataException
        extends IOException
{
    public MalformedDataException(String message)
    {
        super(message);
    }
}
