/**
 * Cairn's {@code hdfs:} (and {@code viewfs:}) checkpoint store, on the shaded Hadoop client.
 */
module io.cairn.storage.hdfs {
    requires io.cairn.core;
    requires hadoop.client.api;
    // SaslException: a failed Kerberos login, which waiting does not cure
    requires java.security.sasl;
    requires org.slf4j;

    // the providers, and HdfsStoreProperties for programs that pass settings as options
    exports io.cairn.storage.hdfs;

    provides io.cairn.core.store.CheckpointStoreProvider with
            io.cairn.storage.hdfs.HdfsCheckpointStoreProvider,
            io.cairn.storage.hdfs.ViewFsCheckpointStoreProvider;
}
