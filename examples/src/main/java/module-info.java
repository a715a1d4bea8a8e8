/**
 * The seed's three examples, runnable. Stores are found at run time through ServiceLoader: put a store
 * module (e.g. io.cairn.storage.local for file:) on the module or class path; none is required here.
 */
module io.cairn.examples {
    requires io.cairn.core;

    exports io.cairn.examples;
}
