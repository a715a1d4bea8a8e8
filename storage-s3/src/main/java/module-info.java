/**
 * Cairn's {@code s3:} checkpoint store, on the AWS SDK for Java v2.
 */
module io.cairn.storage.s3 {
    requires io.cairn.core;
    requires org.slf4j;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http.nio.netty;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.retries;
    requires software.amazon.awssdk.retries.api;

    // the provider, and S3StoreProperties for programs that pass settings as options
    exports io.cairn.storage.s3;

    provides io.cairn.core.store.CheckpointStoreProvider with io.cairn.storage.s3.S3CheckpointStoreProvider;
}
