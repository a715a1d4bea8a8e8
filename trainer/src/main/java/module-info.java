/**
 * Cairn's Guice wiring ({@code io.cairn.trainer.inject}, the one exported package) and the
 * {@code cairn} command line, which is built on it. A program on the module path that uses the wiring
 * says {@code requires io.cairn.trainer; requires com.google.guice; requires jakarta.inject;}.
 */
module io.cairn.trainer {
    // the wiring's public types take and hand out core's types and extend Guice's
    requires transitive io.cairn.core;
    requires transitive com.google.guice;
    // Guice 7 is an automatic module: it declares no dependencies, so nothing would resolve
    // jakarta.inject (a named module), whose annotations and Provider Guice 7 and the wiring use,
    // and Guice would fail at run time with NoClassDefFoundError: jakarta/inject/Provider
    requires transitive jakarta.inject;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    // bench --plot: XChart's bar charts, drawn with AWT's Graphics2D into an SVG
    requires org.knowm.xchart;
    requires java.desktop;

    uses io.cairn.core.store.CheckpointStoreProvider;

    exports io.cairn.trainer.inject;

    opens io.cairn.trainer to info.picocli, com.google.guice;
    // Guice calls the wiring's package-private constructors and @Provides methods reflectively
    opens io.cairn.trainer.inject to com.google.guice;
    opens io.cairn.trainer.json to com.fasterxml.jackson.databind;
}
