package io.cairn.storage.hdfs;

import io.cairn.core.store.StoreKeys;
import org.apache.hadoop.fs.Path;

import java.net.URI;
import java.net.URISyntaxException;

import static java.util.Objects.requireNonNull;

/**
 * Where an HDFS store's keys live: each key's {@link Path} under the root, checked before any I/O, and
 * its full URI for messages.
 */
final class HdfsPaths
{
    private final HdfsStoreConfig config;
    private final Path root;
    private final Path tempDirectory;

    HdfsPaths(HdfsStoreConfig config)
    {
        this.config = requireNonNull(config, "config is null");
        this.root = absolute(config.rootPath());
        this.tempDirectory = absolute(join(config.rootPath(), HdfsCheckpointStore.TEMP_DIRECTORY));
    }

    Path root()
    {
        return root;
    }

    Path tempDirectory()
    {
        return tempDirectory;
    }

    /**
     * The path of a blob; throws {@link IllegalArgumentException} for a key that is invalid, reserved,
     * or not a valid HDFS name.
     */
    Path path(String key)
    {
        StoreKeys.check(key);
        if (isReserved(key)) {
            throw new IllegalArgumentException("Store key " + key + " is reserved for temp files by the HDFS store");
        }
        checkHdfsName(key, "Store key");
        return directory(key);
    }

    /**
     * The path of a directory of keys, e.g. the one a listed prefix starts in; not checked.
     */
    Path directory(String key)
    {
        return absolute(join(config.rootPath(), key));
    }

    static boolean isReserved(String key)
    {
        return key.equals(HdfsCheckpointStore.TEMP_DIRECTORY) || key.startsWith(HdfsCheckpointStore.TEMP_DIRECTORY + "/");
    }

    /**
     * HDFS rejects {@code :} in a path name (it would read as a URI scheme); say so before any I/O.
     */
    static void checkHdfsName(String path, String what)
    {
        if (path.indexOf(':') >= 0) {
            throw new IllegalArgumentException(what + " contains ':', which HDFS does not allow in a path name: " + path);
        }
    }

    String uri(String key)
    {
        String location = config.location().toString();
        return (location.endsWith("/") ? location : location + "/") + key;
    }

    private static String join(String rootPath, String key)
    {
        return rootPath.equals("/") ? "/" + key : rootPath + "/" + key;
    }

    /**
     * A path from a plain absolute path string, quoted as a URI so that spaces, {@code %}, {@code +} and
     * non-ASCII names are taken literally.
     */
    private static Path absolute(String path)
    {
        try {
            return new Path(new URI(null, null, path, null));
        }
        catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a valid HDFS path: " + path, e);
        }
    }
}
