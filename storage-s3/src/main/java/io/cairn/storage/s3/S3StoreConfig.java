package io.cairn.storage.s3;

import io.cairn.core.config.Settings;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Settings of an {@code s3:} store. Every key is declared here with its default and limits. A key
 * is read, first found wins, from: the URI query ({@code s3://bucket/prefix?endpoint=...}), the
 * store options (the trainer's configuration), the system property {@code cairn.s3.<key>}, the
 * environment variable {@code CAIRN_S3_<KEY>} (upper case, {@code -} as {@code _}). Without
 * {@code access-key-id}, credentials come from the AWS SDK's default chain (environment, profile,
 * instance role...). Secrets never appear in {@link #toString()}.
 */
final class S3StoreConfig
{
    static final String ENDPOINT = "endpoint";
    static final String REGION = "region";
    static final String PATH_STYLE = "path-style";
    static final String ACCESS_KEY_ID = "access-key-id";
    static final String SECRET_ACCESS_KEY = "secret-access-key";
    static final String SESSION_TOKEN = "session-token";
    static final String PART_SIZE = "part-size";
    static final String MULTIPART_THRESHOLD = "multipart-threshold";
    static final String MAX_CONCURRENCY = "max-concurrency";
    static final String MAX_ATTEMPTS = "max-attempts";
    static final String API_CALL_TIMEOUT = "api-call-timeout";
    static final String API_CALL_ATTEMPT_TIMEOUT = "api-call-attempt-timeout";
    static final String SINGLE_WRITER = "single-writer";

    static final long PART_SIZE_DEFAULT = 8L << 20;
    static final long PART_SIZE_MIN = 5L << 20;
    static final long PART_SIZE_MAX = 5L << 30;
    static final long MULTIPART_THRESHOLD_DEFAULT = 16L << 20;
    static final int MAX_CONCURRENCY_DEFAULT = 32;
    static final int MAX_CONCURRENCY_MAX = 512;
    static final int MAX_ATTEMPTS_DEFAULT = 5;
    static final int MAX_ATTEMPTS_MAX = 20;
    static final Duration API_CALL_TIMEOUT_DEFAULT = Duration.ofMinutes(10);
    static final Duration API_CALL_ATTEMPT_TIMEOUT_DEFAULT = Duration.ofMinutes(2);

    private static final Map<String, String> DESCRIPTIONS = descriptions();

    private final String bucket;
    private final String prefix;
    private final Optional<URI> endpoint;
    private final Optional<String> region;
    private final boolean pathStyle;
    private final Optional<String> accessKeyId;
    private final Optional<String> secretAccessKey;
    private final Optional<String> sessionToken;
    private final long partSize;
    private final long multipartThreshold;
    private final int maxConcurrency;
    private final int maxAttempts;
    private final Duration apiCallTimeout;
    private final Duration apiCallAttemptTimeout;
    private final boolean singleWriter;

    private S3StoreConfig(String bucket, String prefix, Function<String, Optional<String>> settings)
    {
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.endpoint = settings.apply(ENDPOINT).map(S3StoreConfig::parseEndpoint);
        this.region = settings.apply(REGION);
        this.pathStyle = settings.apply(PATH_STYLE).map(value -> Settings.bool("S3 setting " + PATH_STYLE, value)).orElse(false);
        this.accessKeyId = settings.apply(ACCESS_KEY_ID);
        this.secretAccessKey = settings.apply(SECRET_ACCESS_KEY);
        this.sessionToken = settings.apply(SESSION_TOKEN);
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new IllegalArgumentException("S3 settings " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + " go together: give both, or neither to use the AWS default credentials chain");
        }
        this.partSize = settings.apply(PART_SIZE).map(value -> Settings.bytes("S3 setting " + PART_SIZE, value, PART_SIZE_MIN, PART_SIZE_MAX)).orElse(PART_SIZE_DEFAULT);
        this.multipartThreshold = settings.apply(MULTIPART_THRESHOLD).map(value -> Settings.bytes("S3 setting " + MULTIPART_THRESHOLD, value, PART_SIZE_MIN, PART_SIZE_MAX)).orElse(MULTIPART_THRESHOLD_DEFAULT);
        this.maxConcurrency = settings.apply(MAX_CONCURRENCY).map(value -> Settings.wholeNumber("S3 setting " + MAX_CONCURRENCY, value, 1, MAX_CONCURRENCY_MAX)).orElse(MAX_CONCURRENCY_DEFAULT);
        this.maxAttempts = settings.apply(MAX_ATTEMPTS).map(value -> Settings.wholeNumber("S3 setting " + MAX_ATTEMPTS, value, 1, MAX_ATTEMPTS_MAX)).orElse(MAX_ATTEMPTS_DEFAULT);
        this.apiCallTimeout = settings.apply(API_CALL_TIMEOUT).map(value -> Settings.duration("S3 setting " + API_CALL_TIMEOUT, value)).orElse(API_CALL_TIMEOUT_DEFAULT);
        this.apiCallAttemptTimeout = settings.apply(API_CALL_ATTEMPT_TIMEOUT).map(value -> Settings.duration("S3 setting " + API_CALL_ATTEMPT_TIMEOUT, value)).orElse(API_CALL_ATTEMPT_TIMEOUT_DEFAULT);
        this.singleWriter = settings.apply(SINGLE_WRITER).map(value -> Settings.bool("S3 setting " + SINGLE_WRITER, value)).orElse(false);
    }

    /**
     * Reads the settings of {@code s3://bucket/prefix?key=value&...}.
     */
    static S3StoreConfig from(URI uri, Map<String, String> options, Map<String, String> environment, Map<String, String> systemProperties)
    {
        if (!"s3".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("Not an s3: URI: " + uri.getScheme() + ":...");
        }
        String bucket = uri.getHost();
        if (bucket == null || bucket.isBlank()) {
            bucket = uri.getAuthority();
        }
        if (bucket == null || bucket.isBlank() || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("S3 store URI must be s3://bucket/prefix (no user info; credentials go in settings), got s3://" + (bucket == null ? "" : bucket) + "/...");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String prefix = path.replaceAll("^/+", "").replaceAll("/+$", "");
        if (!prefix.isEmpty()) {
            io.cairn.core.store.StoreKeys.checkPath(prefix, "S3 prefix");
            prefix = prefix + "/";
        }
        Map<String, String> query = new LinkedHashMap<>();
        Settings.query(uri.getRawQuery(), "true").forEach((key, value) -> query.put(checkKey(key, "URI parameter"), value));
        Map<String, String> checkedOptions = new TreeMap<>();
        options.forEach((key, value) -> checkedOptions.put(checkKey(key, "store option"), value));
        Function<String, Optional<String>> settings = key -> Optional.ofNullable(query.get(key))
                .or(() -> Optional.ofNullable(checkedOptions.get(key)))
                .or(() -> Optional.ofNullable(systemProperties.get("cairn.s3." + key)))
                .or(() -> Optional.ofNullable(environment.get("CAIRN_S3_" + key.toUpperCase(Locale.ROOT).replace('-', '_'))))
                .filter(value -> !value.isBlank());
        return new S3StoreConfig(bucket, prefix, settings);
    }

    private static String checkKey(String key, String where)
    {
        if (!DESCRIPTIONS.containsKey(key)) {
            throw new IllegalArgumentException("Unknown S3 " + where + " '" + key + "'; known: " + String.join(", ", new TreeMap<>(DESCRIPTIONS).keySet()));
        }
        return key;
    }

    private static URI parseEndpoint(String value)
    {
        try {
            URI endpoint = URI.create(value);
            if (endpoint.getScheme() == null || endpoint.getHost() == null
                    || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
                throw new IllegalArgumentException();
            }
            return endpoint;
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("S3 setting " + ENDPOINT + " must be an http(s) URL such as http://127.0.0.1:9000, got '" + value + "'");
        }
    }

    private static Map<String, String> descriptions()
    {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(ENDPOINT, "endpoint override, e.g. http://127.0.0.1:9000 (default: AWS)");
        keys.put(REGION, "region (default: the SDK's region chain, or us-east-1 with an endpoint)");
        keys.put(PATH_STYLE, "path-style access, true for most S3-compatible servers (default: false)");
        keys.put(ACCESS_KEY_ID, "static access key id (default: the SDK's credentials chain)");
        keys.put(SECRET_ACCESS_KEY, "static secret access key, with access-key-id");
        keys.put(SESSION_TOKEN, "session token for temporary static credentials");
        keys.put(PART_SIZE, "multipart part size, 5MiB to 5GiB (default: 8MiB)");
        keys.put(MULTIPART_THRESHOLD, "blobs at least this large upload as multipart (default: 16MiB)");
        keys.put(MAX_CONCURRENCY, "concurrent requests, 1 to 512 (default: 32)");
        keys.put(MAX_ATTEMPTS, "attempts per request with the SDK's standard retry strategy, 1 to 20 (default: 5)");
        keys.put(API_CALL_TIMEOUT, "time limit of a whole call, retries included (default: 10m)");
        keys.put(API_CALL_ATTEMPT_TIMEOUT, "time limit of one attempt (default: 2m)");
        keys.put(SINGLE_WRITER, "accept a server that ignores If-None-Match: commits are then safe only with one writer per repository (default: false)");
        return Map.copyOf(keys);
    }

    static Map<String, String> keys()
    {
        return new TreeMap<>(DESCRIPTIONS);
    }

    String bucket()
    {
        return bucket;
    }

    String prefix()
    {
        return prefix;
    }

    Optional<URI> endpoint()
    {
        return endpoint;
    }

    Optional<String> region()
    {
        return region;
    }

    boolean pathStyle()
    {
        return pathStyle;
    }

    Optional<String> accessKeyId()
    {
        return accessKeyId;
    }

    Optional<String> secretAccessKey()
    {
        return secretAccessKey;
    }

    Optional<String> sessionToken()
    {
        return sessionToken;
    }

    long partSize()
    {
        return partSize;
    }

    long multipartThreshold()
    {
        return multipartThreshold;
    }

    int maxConcurrency()
    {
        return maxConcurrency;
    }

    int maxAttempts()
    {
        return maxAttempts;
    }

    Duration apiCallTimeout()
    {
        return apiCallTimeout;
    }

    Duration apiCallAttemptTimeout()
    {
        return apiCallAttemptTimeout;
    }

    boolean singleWriter()
    {
        return singleWriter;
    }

    /**
     * {@code s3://bucket/prefix}: no query, no credentials.
     */
    URI location()
    {
        return URI.create("s3://" + bucket + "/" + prefix);
    }

    @Override
    public String toString()
    {
        return "S3StoreConfig{location=" + location()
                + ", endpoint=" + endpoint.map(URI::toString).orElse("(AWS)")
                + ", region=" + region.orElse("(default chain)")
                + ", pathStyle=" + pathStyle
                + ", credentials=" + (accessKeyId.isPresent() ? "static (redacted)" : "default chain")
                + ", partSize=" + partSize
                + ", multipartThreshold=" + multipartThreshold
                + ", maxConcurrency=" + maxConcurrency
                + ", maxAttempts=" + maxAttempts
                + ", apiCallTimeout=" + apiCallTimeout
                + ", apiCallAttemptTimeout=" + apiCallAttemptTimeout
                + ", singleWriter=" + singleWriter + "}";
    }
}
