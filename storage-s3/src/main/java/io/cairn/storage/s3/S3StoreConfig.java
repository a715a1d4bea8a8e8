package io.cairn.storage.s3;

import io.cairn.core.store.StoreKeys;
import io.cairn.core.store.StoreSettings;
import io.cairn.core.store.StoreSettings.Setting;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static io.cairn.storage.s3.S3StoreProperties.ACCESS_KEY_ID;
import static io.cairn.storage.s3.S3StoreProperties.API_CALL_ATTEMPT_TIMEOUT;
import static io.cairn.storage.s3.S3StoreProperties.API_CALL_ATTEMPT_TIMEOUT_DEFAULT;
import static io.cairn.storage.s3.S3StoreProperties.API_CALL_TIMEOUT;
import static io.cairn.storage.s3.S3StoreProperties.API_CALL_TIMEOUT_DEFAULT;
import static io.cairn.storage.s3.S3StoreProperties.ENDPOINT;
import static io.cairn.storage.s3.S3StoreProperties.KEYS;
import static io.cairn.storage.s3.S3StoreProperties.MAX_ATTEMPTS;
import static io.cairn.storage.s3.S3StoreProperties.MAX_ATTEMPTS_DEFAULT;
import static io.cairn.storage.s3.S3StoreProperties.MAX_ATTEMPTS_MAX;
import static io.cairn.storage.s3.S3StoreProperties.MAX_ATTEMPTS_MIN;
import static io.cairn.storage.s3.S3StoreProperties.MAX_CONCURRENCY;
import static io.cairn.storage.s3.S3StoreProperties.MAX_CONCURRENCY_DEFAULT;
import static io.cairn.storage.s3.S3StoreProperties.MAX_CONCURRENCY_MAX;
import static io.cairn.storage.s3.S3StoreProperties.MAX_CONCURRENCY_MIN;
import static io.cairn.storage.s3.S3StoreProperties.MULTIPART_THRESHOLD;
import static io.cairn.storage.s3.S3StoreProperties.MULTIPART_THRESHOLD_DEFAULT;
import static io.cairn.storage.s3.S3StoreProperties.PART_SIZE;
import static io.cairn.storage.s3.S3StoreProperties.PART_SIZE_DEFAULT;
import static io.cairn.storage.s3.S3StoreProperties.PART_SIZE_MAX;
import static io.cairn.storage.s3.S3StoreProperties.PART_SIZE_MIN;
import static io.cairn.storage.s3.S3StoreProperties.PATH_STYLE;
import static io.cairn.storage.s3.S3StoreProperties.PATH_STYLE_DEFAULT;
import static io.cairn.storage.s3.S3StoreProperties.REGION;
import static io.cairn.storage.s3.S3StoreProperties.SECRET_ACCESS_KEY;
import static io.cairn.storage.s3.S3StoreProperties.SESSION_TOKEN;
import static io.cairn.storage.s3.S3StoreProperties.SETTINGS_NAME;
import static io.cairn.storage.s3.S3StoreProperties.SINGLE_WRITER;
import static io.cairn.storage.s3.S3StoreProperties.SINGLE_WRITER_DEFAULT;
import static java.util.Objects.requireNonNull;

/**
 * The parsed settings of an {@code s3:} store: the bucket and prefix of its URI, and the keys of
 * {@link S3StoreProperties}, read through {@link StoreSettings}. Without {@code access-key-id},
 * credentials come from the AWS SDK's default chain. Secrets never appear in {@link #toString()}.
 *
 * @param prefix the key prefix of the store's objects: empty, or ending with {@code /}
 */
record S3StoreConfig(
        String bucket,
        String prefix,
        Optional<URI> endpoint,
        Optional<String> region,
        boolean pathStyle,
        Optional<String> accessKeyId,
        Optional<String> secretAccessKey,
        Optional<String> sessionToken,
        long partSize,
        long multipartThreshold,
        int maxConcurrency,
        int maxAttempts,
        Duration apiCallTimeout,
        Duration apiCallAttemptTimeout,
        boolean singleWriter)
{
    S3StoreConfig
    {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(accessKeyId, "accessKeyId is null");
        requireNonNull(secretAccessKey, "secretAccessKey is null");
        requireNonNull(sessionToken, "sessionToken is null");
        requireNonNull(apiCallTimeout, "apiCallTimeout is null");
        requireNonNull(apiCallAttemptTimeout, "apiCallAttemptTimeout is null");
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new IllegalArgumentException("S3 settings " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + " go together: give both, or neither to use the AWS default credentials chain");
        }
    }

    /**
     * How an {@code s3:} store reads its settings: from the process's system properties and
     * environment, unless a test gives others.
     */
    static StoreSettings.Builder settings()
    {
        return StoreSettings.builder(SETTINGS_NAME, KEYS);
    }

    /**
     * Reads the settings of {@code s3://bucket/prefix?key=value&...} with the options given to the provider.
     */
    static S3StoreConfig from(URI uri, Map<String, String> options, StoreSettings.Builder settingsBuilder)
    {
        requireNonNull(uri, "uri is null");
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
            StoreKeys.checkPath(prefix, "S3 prefix");
            prefix = prefix + "/";
        }
        StoreSettings settings = settingsBuilder.build(uri, options);
        return new S3StoreConfig(
                bucket,
                prefix,
                settings.find(ENDPOINT).map(S3StoreConfig::parseEndpoint),
                settings.string(REGION),
                settings.bool(PATH_STYLE).orElse(PATH_STYLE_DEFAULT),
                settings.string(ACCESS_KEY_ID),
                settings.string(SECRET_ACCESS_KEY),
                settings.string(SESSION_TOKEN),
                settings.bytes(PART_SIZE, PART_SIZE_MIN, PART_SIZE_MAX).orElse(PART_SIZE_DEFAULT),
                settings.bytes(MULTIPART_THRESHOLD, PART_SIZE_MIN, PART_SIZE_MAX).orElse(MULTIPART_THRESHOLD_DEFAULT),
                settings.wholeNumber(MAX_CONCURRENCY, MAX_CONCURRENCY_MIN, MAX_CONCURRENCY_MAX).orElse(MAX_CONCURRENCY_DEFAULT),
                settings.wholeNumber(MAX_ATTEMPTS, MAX_ATTEMPTS_MIN, MAX_ATTEMPTS_MAX).orElse(MAX_ATTEMPTS_DEFAULT),
                settings.duration(API_CALL_TIMEOUT).orElse(API_CALL_TIMEOUT_DEFAULT),
                settings.duration(API_CALL_ATTEMPT_TIMEOUT).orElse(API_CALL_ATTEMPT_TIMEOUT_DEFAULT),
                settings.bool(SINGLE_WRITER).orElse(SINGLE_WRITER_DEFAULT));
    }

    private static URI parseEndpoint(Setting setting)
    {
        String value = setting.value();
        try {
            URI endpoint = URI.create(value);
            if (endpoint.getScheme() == null || endpoint.getHost() == null
                    || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
                throw new IllegalArgumentException();
            }
            return endpoint;
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting.name() + " must be an http(s) URL such as http://127.0.0.1:9000, got '" + value + "'");
        }
    }

    /**
     * {@code s3://bucket/objectKey}: how messages name an object.
     */
    String objectUri(String objectKey)
    {
        return "s3://" + bucket + "/" + objectKey;
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
