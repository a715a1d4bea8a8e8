/**
 * Cairn's S3 store (planned: issue #3). Not implemented yet: the module builds so the reactor has its final shape.
 */
module io.cairn.storage.s3 {
    requires io.cairn.core;
}
