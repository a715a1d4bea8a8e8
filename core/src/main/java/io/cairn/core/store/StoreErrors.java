package io.cairn.core.store;

import java.io.FileNotFoundException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The exceptions the {@link CheckpointStore} contract asks for, worded alike in every store, and
 * helpers for quoting a backend's exception in a message of one's own and for finding a cause in it.
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

    /**
     * The failure and its causes, outermost first, each once: a backend's cause chain may loop.
     */
    public static List<Throwable> causes(Throwable failure)
    {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> causes = new ArrayList<>();
        for (Throwable cause = requireNonNull(failure, "failure is null"); cause != null && seen.add(cause); cause = cause.getCause()) {
            causes.add(cause);
        }
        return causes;
    }
}
