/**
 * Cairn's HDFS store (planned: issue #4). Not implemented yet: the module builds so the reactor has its final shape.
 */
module io.cairn.storage.hdfs {
    requires io.cairn.core;
}
