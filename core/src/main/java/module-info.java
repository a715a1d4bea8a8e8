/**
 * Cairn core: the training engine, the checkpoint engine, the store SPI and the policies.
 */
module io.cairn.core {
    requires transitive tensorflow;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.cairn.core.checkpoint;
    exports io.cairn.core.config;
    exports io.cairn.core.data;
    exports io.cairn.core.model;
    exports io.cairn.core.store;
    exports io.cairn.core.train;

    opens io.cairn.core.checkpoint to com.fasterxml.jackson.databind;

    uses io.cairn.core.store.CheckpointStoreProvider;
}
