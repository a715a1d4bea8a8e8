package io.cairn.storage.hdfs;

import io.cairn.core.store.SettingValues;
import io.cairn.core.store.StoreKeys;
import io.cairn.core.store.StoreSettings;
import io.cairn.core.store.StoreSettings.Setting;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.cairn.core.store.SettingValues.describeBytes;
import static io.cairn.storage.hdfs.HdfsStoreProperties.BLOCK_SIZE;
import static io.cairn.storage.hdfs.HdfsStoreProperties.BLOCK_SIZE_MAX;
import static io.cairn.storage.hdfs.HdfsStoreProperties.BLOCK_SIZE_MIN;
import static io.cairn.storage.hdfs.HdfsStoreProperties.BLOCK_SIZE_MULTIPLE;
import static io.cairn.storage.hdfs.HdfsStoreProperties.BUFFER_SIZE;
import static io.cairn.storage.hdfs.HdfsStoreProperties.BUFFER_SIZE_MAX;
import static io.cairn.storage.hdfs.HdfsStoreProperties.BUFFER_SIZE_MIN;
import static io.cairn.storage.hdfs.HdfsStoreProperties.KEYS;
import static io.cairn.storage.hdfs.HdfsStoreProperties.NAMENODE_RETRY_TIME;
import static io.cairn.storage.hdfs.HdfsStoreProperties.NAMENODE_RETRY_TIME_DEFAULT;
import static io.cairn.storage.hdfs.HdfsStoreProperties.PASS_THROUGH_PREFIXES;
import static io.cairn.storage.hdfs.HdfsStoreProperties.REPLICATION;
import static io.cairn.storage.hdfs.HdfsStoreProperties.REPLICATION_MAX;
import static io.cairn.storage.hdfs.HdfsStoreProperties.REPLICATION_MIN;
import static io.cairn.storage.hdfs.HdfsStoreProperties.SETTINGS_NAME;
import static java.util.Objects.requireNonNull;

/**
 * The parsed settings of an {@code hdfs:} (or {@code viewfs:}) store. The base is Hadoop's own
 * {@link Configuration}: {@code core-site.xml} and {@code hdfs-site.xml} from the class path, then the
 * same two files from {@code $HADOOP_CONF_DIR} when that is set. On top of it go the Hadoop keys of the
 * URI query and the store options (the URI wins), and Cairn's keys of {@link HdfsStoreProperties},
 * read through {@link StoreSettings} like every store's. A Cairn key beats its Hadoop twin:
 * {@code replication} wins over {@code dfs.replication}, wherever each came from. Authentication (simple
 * or Kerberos) is whatever the {@code Configuration} says.
 */
final class HdfsStoreConfig
{
    static final String HADOOP_CONF_DIR = "HADOOP_CONF_DIR";

    static final String REPLICATION_KEY = "dfs.replication";
    static final String BLOCK_SIZE_KEY = "dfs.blocksize";
    static final short REPLICATION_DEFAULT = 3;
    static final long BLOCK_SIZE_DEFAULT = 128L << 20;
    // HDFS's NameNode RPC port when a URI gives none
    static final int NAMENODE_PORT_DEFAULT = 8020;

    private static final Logger log = LoggerFactory.getLogger(HdfsStoreConfig.class);

    private final URI location;
    private final String rootPath;
    private final Configuration configuration;
    private final short replication;
    private final long blockSize;
    private final int bufferSize;
    private final Duration nameNodeRetryTime;
    private final List<String> overriddenKeys;

    private HdfsStoreConfig(URI location, String rootPath, Configuration configuration, short replication, long blockSize, int bufferSize, Duration nameNodeRetryTime,
            List<String> overriddenKeys)
    {
        this.location = requireNonNull(location, "location is null");
        this.rootPath = requireNonNull(rootPath, "rootPath is null");
        this.configuration = requireNonNull(configuration, "configuration is null");
        this.replication = replication;
        this.blockSize = blockSize;
        this.bufferSize = bufferSize;
        this.nameNodeRetryTime = requireNonNull(nameNodeRetryTime, "nameNodeRetryTime is null");
        this.overriddenKeys = List.copyOf(overriddenKeys);
    }

    /**
     * How an HDFS store reads Cairn's keys: from the process's system properties and environment,
     * unless a test gives others.
     */
    static StoreSettings.Builder settings()
    {
        return StoreSettings.builder(SETTINGS_NAME, KEYS).passThrough(PASS_THROUGH_PREFIXES);
    }

    /**
     * Reads the settings of {@code <scheme>://authority/path?key=value&...} with the options given to
     * the provider.
     *
     * @param environment the process environment, for {@code HADOOP_CONF_DIR}
     */
    static HdfsStoreConfig from(String scheme, URI uri, Map<String, String> options, StoreSettings.Builder settingsBuilder, Map<String, String> environment)
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
        StoreSettings settings = settingsBuilder.build(uri, options);

        Configuration configuration = new HdfsConfiguration();
        String confDir = environment.get(HADOOP_CONF_DIR);
        if (confDir != null && !confDir.isBlank()) {
            addConfDir(configuration, confDir);
        }
        for (Setting setting : settings.passThrough().values()) {
            configuration.set(setting.key(), setting.value(), setting.source() == StoreSettings.Source.URI ? "cairn store URI" : "cairn store option");
        }

        short replication = settings.wholeNumber(REPLICATION, REPLICATION_MIN, REPLICATION_MAX)
                .map(Integer::shortValue)
                .orElseGet(() -> (short) configuration.getInt(REPLICATION_KEY, REPLICATION_DEFAULT));
        long blockSize = settings.find(BLOCK_SIZE)
                .map(HdfsStoreConfig::parseBlockSize)
                .orElseGet(() -> configuration.getLongBytes(BLOCK_SIZE_KEY, BLOCK_SIZE_DEFAULT));
        int bufferSize = settings.bytes(BUFFER_SIZE, BUFFER_SIZE_MIN, BUFFER_SIZE_MAX)
                .map(Long::intValue)
                .orElseGet(() -> configuration.getInt(CommonConfigurationKeysPublic.IO_FILE_BUFFER_SIZE_KEY, CommonConfigurationKeysPublic.IO_FILE_BUFFER_SIZE_DEFAULT));
        Duration nameNodeRetryTime = settings.duration(NAMENODE_RETRY_TIME).orElse(NAMENODE_RETRY_TIME_DEFAULT);

        String authority = authority(scheme, uri, configuration);
        URI location;
        try {
            location = new URI(scheme.toLowerCase(Locale.ROOT), authority, rootPath, null, null);
        }
        catch (URISyntaxException e) {
            throw new IllegalArgumentException("HDFS store URI is not valid: " + e.getMessage(), e);
        }
        return new HdfsStoreConfig(location, rootPath, configuration, replication, blockSize, bufferSize, nameNodeRetryTime, List.copyOf(settings.passThrough().keySet()));
    }

    private static String rootPath(String scheme, URI uri)
    {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String relative = path.replaceAll("^/+", "").replaceAll("/+$", "");
        if (relative.isEmpty()) {
            return "/";
        }
        StoreKeys.checkPath(relative, "HDFS store path");
        HdfsPaths.checkHdfsName(relative, "HDFS store path");
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
        File directory = new File(confDir);
        if (!directory.isDirectory()) {
            log.warn("{}={} is not a directory; using the Hadoop configuration on the class path only", HADOOP_CONF_DIR, confDir);
            return;
        }
        for (String name : List.of("core-site.xml", "hdfs-site.xml")) {
            File file = new File(directory, name);
            if (file.isFile()) {
                configuration.addResource(new Path(file.toURI()));
            }
        }
    }

    private static long parseBlockSize(Setting setting)
    {
        long bytes = SettingValues.bytes(setting.name(), setting.value(), BLOCK_SIZE_MIN, BLOCK_SIZE_MAX);
        if (bytes % BLOCK_SIZE_MULTIPLE != 0) {
            throw new IllegalArgumentException(setting.name() + " must be a multiple of " + BLOCK_SIZE_MULTIPLE + " bytes (the checksum unit), "
                    + "from " + describeBytes(BLOCK_SIZE_MIN) + " to " + describeBytes(BLOCK_SIZE_MAX) + " (e.g. 128MiB), got '" + setting.value() + "'");
        }
        return bytes;
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

    /**
     * How long a call waits out a NameNode that does not answer; see {@link HdfsStoreProperties#NAMENODE_RETRY_TIME}.
     */
    Duration nameNodeRetryTime()
    {
        return nameNodeRetryTime;
    }

    @Override
    public String toString()
    {
        // values of Hadoop keys may be secrets (fs.s3a.secret.key, ...): only their names are shown
        return "HdfsStoreConfig{location=" + location
                + ", replication=" + replication
                + ", blockSize=" + blockSize
                + ", bufferSize=" + bufferSize
                + ", nameNodeRetryTime=" + nameNodeRetryTime
                + ", overriddenHadoopKeys=" + overriddenKeys + "}";
    }
}
