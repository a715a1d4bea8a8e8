package io.cairn.core.store;

import java.io.FileNotFoundException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;

import static java.util.Objects.requireNonNull;

/**
 * The exceptions the {@link CheckpointStore} contract asks for, worded alike in every store, and a
 * helper for quoting a backend's exception in a message of one's own.
 */
public final class StoreErrors
{
    private StoreErrors() {}

    /**
     * What {@link CheckpointStore#read} throws for a missing blob: {@code No blob <key> in <location>}.
     *
     * @param location the store's {@link CheckpointStore#location()}
     * @param cause the backend's own exception, or {@code null}
     */
    public static FileNotFoundException notFound(String key, URI location, Throwable cause)
    {
        FileNotFoundException notFound = new FileNotFoundException("No blob " + requireNonNull(key, "key is null") + " in " + requireNonNull(location, "location is null"));
        notFound.initCause(cause);
        return notFound;
    }

    /**
     * What {@link CheckpointStore#createIfAbsent} throws when the key is taken: its file is the key,
     * so that callers can tell which blob it was.
     *
     * @param where the blob's full address, e.g. {@code s3://bucket/prefix/key}
     * @param cause the backend's own exception, or {@code null}
     */
    public static FileAlreadyExistsException alreadyExists(String key, String where, Throwable cause)
    {
        FileAlreadyExistsException exists = new FileAlreadyExistsException(requireNonNull(key, "key is null"), null, "Blob already exists at " + where);
        exists.initCause(cause);
        return exists;
    }

    /**
     * The first line of the exception's message (its class name if it has none): backends put stack
     * traces and server responses after the first line, which do not belong in a one-line message.
     */
    public static String firstLine(Throwable failure)
    {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
