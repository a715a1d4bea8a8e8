/**
 * Cairn core: the training engine, the checkpoint engine, the store SPI and the policies.
 *
 * <p>The exported packages are the API: {@code model}, {@code data}, {@code train},
 * {@code checkpoint} and the store SPI {@code store}. The checkpoint engine's parts live in packages
 * that are not exported: {@code repository} (chunk store, manifest catalog and commit, garbage
 * collector, leases), {@code save} (the background save pipeline, retention of a run), {@code tf}
 * (TensorFlow's checkpoint formats) and {@code internal} (shared helpers, for Cairn's own modules).
 */
module io.cairn.core {
    requires transitive tensorflow;
    requires com.fasterxml.jackson.databind;
    requires com.sun.jna;
    requires java.management;
    requires jdk.unsupported;
    requires org.slf4j;

    exports io.cairn.core.checkpoint;
    exports io.cairn.core.data;
    exports io.cairn.core.model;
    exports io.cairn.core.store;
    exports io.cairn.core.train;
    exports io.cairn.core.internal to io.cairn.storage.local, io.cairn.storage.s3, io.cairn.storage.hdfs, io.cairn.trainer, io.cairn.examples;

    opens io.cairn.core.checkpoint to com.fasterxml.jackson.databind;
    opens io.cairn.core.repository to com.fasterxml.jackson.databind;

    uses io.cairn.core.store.CheckpointStoreProvider;

    provides io.cairn.core.store.CheckpointStoreProvider with io.cairn.core.store.MemoryCheckpointStoreProvider;
}
