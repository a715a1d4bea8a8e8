/**
 * Cairn's runnable examples. Stores are found at run time through ServiceLoader: put a store module
 * (e.g. io.cairn.storage.local for file:) on the module or class path; none is required here. The
 * custom-store example adds a store of its own, the xor: scheme, by the same means. The guice-app
 * example wires Cairn with Guice: Guice 7 needs jakarta.inject required beside it, and creates the
 * application's classes from generated code in an unnamed module, so their package is open to all.
 */
module io.cairn.examples {
    requires io.cairn.core;
    requires io.cairn.trainer;
    requires com.google.guice;
    requires jakarta.inject;

    exports io.cairn.examples;
    exports io.cairn.examples.customstore;
    exports io.cairn.examples.guiceapp;

    opens io.cairn.examples.guiceapp;

    provides io.cairn.core.store.CheckpointStoreProvider with io.cairn.examples.customstore.XorCheckpointStoreProvider;
}
