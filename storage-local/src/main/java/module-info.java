/**
 * The {@code file:} checkpoint store; {@code LocalCheckpointStores.open(Path)} opens one directly.
 */
module io.cairn.storage.local {
    requires io.cairn.core;
    requires org.slf4j;

    exports io.cairn.storage.local;

    provides io.cairn.core.store.CheckpointStoreProvider with io.cairn.storage.local.LocalCheckpointStoreProvider;
}
