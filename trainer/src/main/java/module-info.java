module io.cairn.trainer {
    requires io.cairn.core;
    requires com.google.guice;
    requires jakarta.inject;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    uses io.cairn.core.store.CheckpointStoreProvider;

    opens io.cairn.trainer to info.picocli, com.google.guice;
    opens io.cairn.trainer.json to com.fasterxml.jackson.databind;
}
