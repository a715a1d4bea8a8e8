/**
 * The contract suite of Cairn's store SPI: {@code AbstractCheckpointStoreTest}, which every
 * {@code CheckpointStore} passes, and {@code AbstractStoreSettingsTest} for a store that reads its
 * settings with {@code StoreSettings}. A store project extends them in its tests, on the module path or
 * the class path: the package is this module's own, so it splits no package of {@code io.cairn.core}.
 */
module io.cairn.store.contract {
    requires transitive io.cairn.core;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports io.cairn.store.contract;
}
