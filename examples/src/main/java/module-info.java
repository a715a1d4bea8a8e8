/**
 * The seed's three examples, runnable. Stores are found at run time through ServiceLoader: put a store
 * module (e.g. io.cairn.storage.local for file:) on the module or class path; none is required here.
 * The custom-store example adds a store of its own, the xor: scheme, by the same means.
 */
module io.cairn.examples {
    requires io.cairn.core;

    exports io.cairn.examples;
    exports io.cairn.examples.customstore;

    provides io.cairn.core.store.CheckpointStoreProvider with io.cairn.examples.customstore.XorCheckpointStoreProvider;
}
