/**
 * The {@code file:} checkpoint store.
 */
module io.cairn.storage.local {
    requires io.cairn.core;
    requires org.slf4j;

    provides io.cairn.core.store.CheckpointStoreProvider with io.cairn.storage.local.LocalCheckpointStoreProvider;
}
