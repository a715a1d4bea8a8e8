package io.cairn.storage.hdfs;

import io.cairn.core.store.StoreKeys;
import io.cairn.core.config.Settings;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Settings of an {@code hdfs:} (or {@code viewfs:}) store. The base is Hadoop's own {@link Configuration}:
 * {@code core-site.xml} and {@code hdfs-site.xml} from the class path, then the same two files from
 * {@code $HADOOP_CONF_DIR} when that is set. On top of it, first found wins: the URI query
 * ({@code hdfs://nn:8020/path?replication=2}), then the store options (the trainer's configuration).
 *
 * <p>Cairn's own keys are declared here with their limits. Any Hadoop key starting with one of
 * {@link #PASS_THROUGH_PREFIXES} goes into the {@code Configuration} verbatim (e.g.
 * {@code dfs.client.use.datanode.hostname=true}, {@code ipc.client.connect.max.retries=3}). A Cairn key
 * beats its Hadoop equivalent: {@code replication} wins over {@code dfs.replication}. Authentication
 * (simple or Kerberos) is whatever the {@code Configuration} says.
 */
final class HdfsStoreConfig
{
    static final String REPLICATION = "replication";
    static final String BLOCK_SIZE = "block-size";
    static final String BUFFER_SIZE = "buffer-size";

    static final List<String> PASS_THROUGH_PREFIXES = List.of("dfs.", "fs.", "ipc.", "hadoop.");
    static final String HADOOP_CONF_DIR = "HADOOP_CONF_DIR";

    static final int REPLICATION_MIN = 1;
    // HDFS's own default for dfs.replication.max; the NameNode enforces its configured limit too
    static final int REPLICATION_MAX = 512;
    // HDFS's default dfs.namenode.fs-limits.min-block-size
    static final long BLOCK_SIZE_MIN = 1L << 20;
    static final long BLOCK_SIZE_MAX = 2L << 30;
    // blocks are checksummed in units of dfs.bytes-per-checksum (512 by default)
    static final long BLOCK_SIZE_MULTIPLE = 512;
    static final long BUFFER_SIZE_MIN = 4L << 10;
    static final long BUFFER_SIZE_MAX = 16L << 20;

    static final String REPLICATION_KEY = "dfs.replication";
    static final String BLOCK_SIZE_KEY = "dfs.blocksize";
    static final short REPLICATION_DEFAULT = 3;
    static final long BLOCK_SIZE_DEFAULT = 128L << 20;
    // HDFS's NameNode RPC port when a URI gives none
    static final int NAMENODE_PORT_DEFAULT = 8020;

    private static final Logger log = LoggerFactory.getLogger(HdfsStoreConfig.class);
    private static final Map<String, String> DESCRIPTIONS = descriptions();

    private final URI location;
    private final String rootPath;
    private final Configuration configuration;
    private final short replication;
    private final long blockSize;
    private final int bufferSize;
    private final List<String> overriddenKeys;

    private HdfsStoreConfig(URI location, String rootPath, Configuration configuration, short replication, long blockSize, int bufferSize, List<String> overriddenKeys)
    {
        this.location = requireNonNull(location, "location is null");
        this.rootPath = requireNonNull(rootPath, "rootPath is null");
        this.configuration = requireNonNull(configuration, "configuration is null");
        this.replication = replication;
        this.blockSize = blockSize;
        this.bufferSize = bufferSize;
        this.overriddenKeys = List.copyOf(overriddenKeys);
    }

    /**
     * Reads the settings of {@code <scheme>://authority/path?key=value&...}.
     *
     * @param environment the process environment, for {@code HADOOP_CONF_DIR}
     */
    static HdfsStoreConfig from(String scheme, URI uri, Map<String, String> options, Map<String, String> environment)
    {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        if (!scheme.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("Not a " + scheme + ": URI: " + uri.getScheme() + ":...");
        }
        if (uri.isOpaque() || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("HDFS store URI must be " + scheme + "://namenode:port/path (no user info or fragment; the user comes from "
                    + "the Hadoop login), got " + scheme + ":" + (uri.isOpaque() ? uri.getRawSchemeSpecificPart() : "//" + (uri.getHost() == null ? "" : uri.getHost()) + uri.getRawPath()));
        }
        String rootPath = rootPath(scheme, uri);

        Map<String, String> query = new LinkedHashMap<>();
        Settings.query(uri.getRawQuery(), "").forEach((key, value) -> query.put(checkKey(key, "URI parameter"), value));
        Map<String, String> checkedOptions = new TreeMap<>();
        options.forEach((key, value) -> checkedOptions.put(checkKey(key, "store option"), requireNonNull(value, "value of " + key + " is null")));

        Configuration configuration = new HdfsConfiguration();
        String confDir = environment.get(HADOOP_CONF_DIR);
        if (confDir != null && !confDir.isBlank()) {
            addConfDir(configuration, confDir);
        }
        // query after options: the URI wins
        List<String> overridden = new ArrayList<>();
        for (Map<String, String> source : List.of(checkedOptions, query)) {
            source.forEach((key, value) -> {
                if (isPassThrough(key)) {
                    configuration.set(key, value, source == query ? "cairn store URI" : "cairn store option");
                    overridden.add(key);
                }
            });
        }

        Function<String, Optional<String>> setting = key -> Optional.ofNullable(query.get(key))
                .or(() -> Optional.ofNullable(checkedOptions.get(key)))
                .filter(value -> !value.isBlank());
        short replication = setting.apply(REPLICATION)
                .map(value -> (short) Settings.wholeNumber("HDFS setting " + REPLICATION, value, REPLICATION_MIN, REPLICATION_MAX))
                .orElseGet(() -> (short) configuration.getInt(REPLICATION_KEY, REPLICATION_DEFAULT));
        long blockSize = setting.apply(BLOCK_SIZE)
                .map(value -> parseBlockSize(value))
                .orElseGet(() -> configuration.getLongBytes(BLOCK_SIZE_KEY, BLOCK_SIZE_DEFAULT));
        int bufferSize = setting.apply(BUFFER_SIZE)
                .map(value -> (int) Settings.bytes("HDFS setting " + BUFFER_SIZE, value, BUFFER_SIZE_MIN, BUFFER_SIZE_MAX))
                .orElseGet(() -> configuration.getInt(CommonConfigurationKeysPublic.IO_FILE_BUFFER_SIZE_KEY, CommonConfigurationKeysPublic.IO_FILE_BUFFER_SIZE_DEFAULT));

        String authority = authority(scheme, uri, configuration);
        URI location;
        try {
            location = new URI(scheme.toLowerCase(Locale.ROOT), authority, rootPath, null, null);
        }
        catch (URISyntaxException e) {
            throw new IllegalArgumentException("HDFS store URI is not valid: " + e.getMessage(), e);
        }
        return new HdfsStoreConfig(location, rootPath, configuration, replication, blockSize, bufferSize, new TreeSet<>(overridden).stream().toList());
    }

    private static String rootPath(String scheme, URI uri)
    {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String relative = path.replaceAll("^/+", "").replaceAll("/+$", "");
        if (relative.isEmpty()) {
            return "/";
        }
        StoreKeys.checkPath(relative, "HDFS store path");
        HdfsCheckpointStore.checkHdfsName(relative, "HDFS store path");
        return "/" + relative;
    }

    /**
     * The URI's authority, or for {@code hdfs:///path} the one of {@code fs.defaultFS} when that has the
     * same scheme (as {@code hdfs dfs} does).
     */
    private static String authority(String scheme, URI uri, Configuration configuration)
    {
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            return uri.getAuthority();
        }
        String defaultFs = configuration.getTrimmed(CommonConfigurationKeysPublic.FS_DEFAULT_NAME_KEY, "");
        URI defaultUri = defaultFs.isEmpty() ? null : URI.create(defaultFs);
        if (defaultUri != null && scheme.equalsIgnoreCase(defaultUri.getScheme()) && defaultUri.getAuthority() != null) {
            return defaultUri.getAuthority();
        }
        throw new IllegalArgumentException(scheme + ":///" + uri.getPath().replaceAll("^/+", "") + " names no NameNode and fs.defaultFS is "
                + (defaultFs.isEmpty() ? "not set" : defaultFs) + "; give " + scheme + "://namenode:port/path, or set fs.defaultFS to a " + scheme
                + ":// URI in core-site.xml (in " + HADOOP_CONF_DIR + ")");
    }

    private static void addConfDir(Configuration configuration, String confDir)
    {
        java.nio.file.Path directory = java.nio.file.Path.of(confDir);
        if (!Files.isDirectory(directory)) {
            log.warn("{}={} is not a directory; using the Hadoop configuration on the class path only", HADOOP_CONF_DIR, confDir);
            return;
        }
        for (String name : List.of("core-site.xml", "hdfs-site.xml")) {
            java.nio.file.Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                configuration.addResource(new Path(file.toUri()));
            }
        }
    }

    private static boolean isPassThrough(String key)
    {
        return PASS_THROUGH_PREFIXES.stream().anyMatch(prefix -> key.startsWith(prefix) && key.length() > prefix.length());
    }

    private static String checkKey(String key, String where)
    {
        if (!DESCRIPTIONS.containsKey(key) && !isPassThrough(key)) {
            throw new IllegalArgumentException("Unknown HDFS " + where + " '" + key + "'; known: " + String.join(", ", new TreeMap<>(DESCRIPTIONS).keySet())
                    + ", and any Hadoop key starting with " + String.join(", ", PASS_THROUGH_PREFIXES));
        }
        return key;
    }

    private static long parseBlockSize(String value)
    {
        long bytes = Settings.bytes("HDFS setting " + BLOCK_SIZE, value, BLOCK_SIZE_MIN, BLOCK_SIZE_MAX);
        if (bytes % BLOCK_SIZE_MULTIPLE != 0) {
            throw new IllegalArgumentException("HDFS setting " + BLOCK_SIZE + " must be a multiple of " + BLOCK_SIZE_MULTIPLE + " bytes (the checksum unit), "
                    + "from " + Settings.describeBytes(BLOCK_SIZE_MIN) + " to " + Settings.describeBytes(BLOCK_SIZE_MAX) + " (e.g. 128MiB), got '" + value + "'");
        }
        return bytes;
    }

    private static Map<String, String> descriptions()
    {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(REPLICATION, "replicas of each block, " + REPLICATION_MIN + " to " + REPLICATION_MAX + " (default: dfs.replication, 3)");
        keys.put(BLOCK_SIZE, "block size of new blobs, " + Settings.describeBytes(BLOCK_SIZE_MIN) + " to " + Settings.describeBytes(BLOCK_SIZE_MAX) + " (default: dfs.blocksize, 128MiB)");
        keys.put(BUFFER_SIZE, "stream buffer size, " + Settings.describeBytes(BUFFER_SIZE_MIN) + " to " + Settings.describeBytes(BUFFER_SIZE_MAX) + " (default: io.file.buffer.size, 4KiB)");
        return Map.copyOf(keys);
    }

    /**
     * {@code hdfs://authority/path}: no query.
     */
    URI location()
    {
        return location;
    }

    /**
     * The store's root directory, absolute, without a trailing {@code /} (unless it is {@code /}).
     */
    String rootPath()
    {
        return rootPath;
    }

    /**
     * The file system's URI: scheme and authority, no path.
     */
    URI fileSystemUri()
    {
        return URI.create(location.getScheme() + "://" + location.getRawAuthority() + "/");
    }

    /**
     * {@code host:port} of the NameNode as the URI names it ({@code :8020} added when it gives no port
     * and is no HA nameservice).
     */
    String nameNodeAddress()
    {
        String authority = location.getAuthority();
        if (location.getPort() >= 0 || !location.getScheme().equals("hdfs")
                || Arrays.asList(configuration.getTrimmedStrings("dfs.nameservices")).contains(location.getHost())) {
            return authority;
        }
        return authority + ":" + NAMENODE_PORT_DEFAULT;
    }

    Configuration configuration()
    {
        return configuration;
    }

    short replication()
    {
        return replication;
    }

    long blockSize()
    {
        return blockSize;
    }

    int bufferSize()
    {
        return bufferSize;
    }

    @Override
    public String toString()
    {
        // values of Hadoop keys may be secrets (fs.s3a.secret.key, ...): only their names are shown
        return "HdfsStoreConfig{location=" + location
                + ", replication=" + replication
                + ", blockSize=" + blockSize
                + ", bufferSize=" + bufferSize
                + ", overriddenHadoopKeys=" + overriddenKeys + "}";
    }
}
