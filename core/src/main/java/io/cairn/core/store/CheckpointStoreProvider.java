package io.cairn.core.store;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Opens stores of one URI scheme. Implementations are found with {@link java.util.ServiceLoader}:
 * a store module {@code provides io.cairn.core.store.CheckpointStoreProvider with ...} and ships
 * {@code META-INF/services/io.cairn.core.store.CheckpointStoreProvider} for classpath users.
 */
public interface CheckpointStoreProvider
{
    /**
     * The URI scheme, lower case, e.g. {@code file}, {@code s3}, {@code hdfs}.
     */
    String scheme();

    /**
     * Opens the store rooted at the URI. {@code options} are backend settings from the program's
     * configuration; a store reads them with {@link StoreSettings}, after the URI query and before
     * system properties and environment variables. Bad settings throw {@link IllegalArgumentException}
     * naming the setting; an unreachable store throws {@link IOException} naming the location.
     */
    CheckpointStore open(URI uri, Map<String, String> options)
            throws IOException;
}
