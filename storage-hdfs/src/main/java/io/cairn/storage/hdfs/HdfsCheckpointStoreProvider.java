package io.cairn.storage.hdfs;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Opens {@code hdfs://namenode:port/path} stores; see {@link HdfsStoreProperties} for the settings. The
 * directory is created if missing.
 */
public class HdfsCheckpointStoreProvider
        implements CheckpointStoreProvider
{
    @Override
    public String scheme()
    {
        return "hdfs";
    }

    @Override
    public final CheckpointStore open(URI uri, Map<String, String> options)
            throws IOException
    {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        return HdfsCheckpointStore.open(HdfsStoreConfig.from(scheme(), uri, options, HdfsStoreConfig.settings(), System.getenv()));
    }

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + "[" + scheme() + "]";
    }
}
