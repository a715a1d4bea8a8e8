module io.cairn.examples {
    requires io.cairn.core;
}
