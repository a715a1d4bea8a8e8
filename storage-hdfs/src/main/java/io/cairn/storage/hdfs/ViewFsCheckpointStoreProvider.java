package io.cairn.storage.hdfs;

/**
 * Opens {@code viewfs://cluster/path} stores: the same store as {@code hdfs:}, through the client-side
 * mount table of the Hadoop configuration ({@code fs.viewfs.mounttable.<cluster>.link.<path>}). The
 * store's root and its temp directory must lie in one mount, as renames do not cross mounts.
 */
public final class ViewFsCheckpointStoreProvider
        extends HdfsCheckpointStoreProvider
{
    @Override
    public String scheme()
    {
        return "viewfs";
    }
}
