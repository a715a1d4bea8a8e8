package io.cairn.storage.s3;

import java.time.Duration;
import java.util.Set;

/**
 * The settings of an {@code s3:} store: every key, with its default and limits. Give them in the URI
 * query ({@code s3://bucket/prefix?path-style=true}), in the options of
 * {@link io.cairn.core.store.CheckpointStoreProvider#open}, as system properties {@code cairn.s3.<key>}
 * or as environment variables {@code CAIRN_S3_<KEY>}, first found wins (see
 * {@link io.cairn.core.store.StoreSettings}).
 */
public final class S3StoreProperties
{
    /**
     * An http(s) URL of an S3-compatible server, e.g. {@code http://127.0.0.1:9000}; AWS by default.
     */
    public static final String ENDPOINT = "endpoint";

    /**
     * The region; by default the SDK's region chain, or {@code us-east-1} with an {@link #ENDPOINT}.
     */
    public static final String REGION = "region";

    /**
     * Path-style access ({@code http://host/bucket/key}), which most S3-compatible servers want.
     */
    public static final String PATH_STYLE = "path-style";
    public static final boolean PATH_STYLE_DEFAULT = false;

    /**
     * Static credentials: the access key id, with {@link #SECRET_ACCESS_KEY} (both or neither), and
     * for temporary credentials {@link #SESSION_TOKEN}. Without them the SDK's default credentials
     * chain is used (environment, profile, instance or container role). Never shown in messages.
     */
    public static final String ACCESS_KEY_ID = "access-key-id";
    public static final String SECRET_ACCESS_KEY = "secret-access-key";
    public static final String SESSION_TOKEN = "session-token";

    /**
     * The part size of multipart uploads.
     */
    public static final String PART_SIZE = "part-size";
    public static final long PART_SIZE_DEFAULT = 8L << 20;
    public static final long PART_SIZE_MIN = 5L << 20;
    public static final long PART_SIZE_MAX = 5L << 30;

    /**
     * Blobs at least this large upload as multipart; smaller ones as one {@code PutObject}. Same
     * limits as {@link #PART_SIZE}.
     */
    public static final String MULTIPART_THRESHOLD = "multipart-threshold";
    public static final long MULTIPART_THRESHOLD_DEFAULT = 16L << 20;

    /**
     * Concurrent HTTP requests of one store.
     */
    public static final String MAX_CONCURRENCY = "max-concurrency";
    public static final int MAX_CONCURRENCY_DEFAULT = 32;
    public static final int MAX_CONCURRENCY_MIN = 1;
    public static final int MAX_CONCURRENCY_MAX = 512;

    /**
     * Attempts per request, with the SDK's standard retry strategy.
     */
    public static final String MAX_ATTEMPTS = "max-attempts";
    public static final int MAX_ATTEMPTS_DEFAULT = 5;
    public static final int MAX_ATTEMPTS_MIN = 1;
    public static final int MAX_ATTEMPTS_MAX = 20;

    /**
     * The time limit of a whole call, retries included.
     */
    public static final String API_CALL_TIMEOUT = "api-call-timeout";
    public static final Duration API_CALL_TIMEOUT_DEFAULT = Duration.ofMinutes(10);

    /**
     * The time limit of one attempt of a call.
     */
    public static final String API_CALL_ATTEMPT_TIMEOUT = "api-call-attempt-timeout";
    public static final Duration API_CALL_ATTEMPT_TIMEOUT_DEFAULT = Duration.ofMinutes(2);

    /**
     * Accept a server that ignores {@code If-None-Match: *}: commits are then safe only while one
     * process writes to the repository.
     */
    public static final String SINGLE_WRITER = "single-writer";
    public static final boolean SINGLE_WRITER_DEFAULT = false;

    static final Set<String> KEYS = Set.of(ENDPOINT, REGION, PATH_STYLE, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, PART_SIZE, MULTIPART_THRESHOLD,
            MAX_CONCURRENCY, MAX_ATTEMPTS, API_CALL_TIMEOUT, API_CALL_ATTEMPT_TIMEOUT, SINGLE_WRITER);

    /**
     * The name of the store's settings: {@code cairn.s3.<key>}, {@code CAIRN_S3_<KEY>}.
     */
    static final String SETTINGS_NAME = "s3";

    private S3StoreProperties() {}
}
