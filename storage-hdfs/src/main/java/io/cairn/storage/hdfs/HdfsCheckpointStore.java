package io.cairn.storage.hdfs;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.LimitedInputStream;
import io.cairn.core.store.StoreErrors;
import io.cairn.core.store.StoreStreams;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.SecurityUtil;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.cairn.storage.hdfs.HdfsErrors.closeAfter;
import static java.util.Objects.requireNonNull;

/**
 * A checkpoint store in an HDFS directory: each key is a file under the root. A blob is written to a
 * temp file in {@code <root>/.cairn-tmp/}, {@code hsync}ed (with {@link CreateFlag#SYNC_BLOCK}, so every
 * block of it is on disk), closed, and renamed into place in one NameNode operation: replacing for
 * {@link #write}, and failing if the target exists for {@link #createIfAbsent}. Readers and crashes
 * never see part of a blob. That is {@link HdfsBlobWriter}'s work; {@link HdfsDirectories} lists keys and
 * prunes emptied directories, {@link HdfsPaths} turns keys into paths. Calls wait out a NameNode that
 * does not answer, restarting say, for a while ({@link NameNodeRetries}); opening the store does not.
 *
 * <p>All calls go through {@link FileContext}, whose {@code rename(src, dst, Rename.NONE)} throws when the
 * target exists ({@code FileSystem.rename} returns {@code false} instead) and which keeps that atomic
 * through a {@code viewfs:} mount table too.
 */
final class HdfsCheckpointStore
        implements CheckpointStore
{
    static final String TEMP_DIRECTORY = ".cairn-tmp";

    private static final Logger log = LoggerFactory.getLogger(HdfsCheckpointStore.class);

    private final FileContext files;
    private final HdfsStoreConfig config;
    private final HdfsErrors errors;
    private final HdfsPaths paths;
    private final HdfsDirectories directories;
    private final HdfsBlobWriter writer;
    private final NameNodeRetries retries;
    private final String user;

    private HdfsCheckpointStore(FileContext files, HdfsStoreConfig config, String user)
    {
        this.files = requireNonNull(files, "files is null");
        this.config = requireNonNull(config, "config is null");
        this.user = requireNonNull(user, "user is null");
        this.errors = new HdfsErrors(config, user);
        this.paths = new HdfsPaths(config);
        this.directories = new HdfsDirectories(files, config, errors, paths);
        this.writer = new HdfsBlobWriter(files, config, errors, paths, directories);
        this.retries = new NameNodeRetries(config.nameNodeAddress(), config.nameNodeRetryTime());
    }

    /**
     * Connects as the current Hadoop user and makes sure the root is a directory, creating it if
     * missing. A read-only user can open an existing root: writes then fail naming the permission.
     */
    static HdfsCheckpointStore open(HdfsStoreConfig config)
            throws IOException
    {
        Configuration configuration = config.configuration();
        useSecurityOf(configuration);
        String user = UserGroupInformation.getCurrentUser().getShortUserName();
        HdfsErrors errors = new HdfsErrors(config, user);
        FileContext files;
        try {
            files = FileContext.getFileContext(config.fileSystemUri(), configuration);
        }
        catch (IOException | RuntimeException e) {
            // e.g. a viewfs: URI without a mount table; Hadoop wraps constructor failures in RuntimeException
            Throwable cause = e instanceof RuntimeException && e.getCause() instanceof IOException io ? io : e;
            IOException mapped = errors.map(cause, "open", config.location().toString());
            if (config.location().getScheme().equals("viewfs")) {
                String table = config.location().getAuthority();
                throw new IOException(mapped.getMessage() + "; a viewfs: store needs the mount table " + table + " in the Hadoop configuration "
                        + "(fs.viewfs.mounttable." + table + ".link./path=hdfs://namenode:port/path, in core-site.xml or as a store option)", cause);
            }
            throw mapped;
        }
        HdfsCheckpointStore store = new HdfsCheckpointStore(files, config, user);
        store.prepareRoot();
        return store;
    }

    /**
     * Kerberos needs {@link UserGroupInformation} to see the configuration that asks for it; a
     * {@code HADOOP_CONF_DIR} that is not on the class path would otherwise go unnoticed by it.
     */
    private static void useSecurityOf(Configuration configuration)
    {
        boolean secure = SecurityUtil.getAuthenticationMethod(configuration) != UserGroupInformation.AuthenticationMethod.SIMPLE;
        if (secure && !UserGroupInformation.isSecurityEnabled()) {
            log.info("The Hadoop configuration asks for {} authentication; enabling it for this process", SecurityUtil.getAuthenticationMethod(configuration));
            UserGroupInformation.setConfiguration(configuration);
        }
    }

    private void prepareRoot()
            throws IOException
    {
        String where = config.location().toString();
        Path root = paths.root();
        FileStatus status;
        try {
            status = files.getFileStatus(root);
        }
        catch (FileNotFoundException e) {
            status = null;
        }
        catch (ParentNotDirectoryException e) {
            throw new IOException("Cannot open " + where + ": " + directories.blocker(root).orElse("a parent is a file")
                    + "; give the path of a directory (it is created if missing)", e);
        }
        catch (IOException e) {
            throw errors.map(e, "open", where);
        }
        if (status != null && !status.isDirectory()) {
            throw new IllegalArgumentException("HDFS store path " + where + " is a file, not a directory; give the path of a directory (it is created if missing)");
        }
        if (status == null) {
            try {
                files.mkdir(root, FsPermission.getDirDefault(), true);
            }
            catch (ParentNotDirectoryException | FileAlreadyExistsException e) {
                throw new IOException("Cannot create the HDFS store directory " + where + ": " + directories.blocker(root).orElse(StoreErrors.firstLine(e))
                        + "; give the path of a directory whose parents are directories (it is created if missing)", e);
            }
            catch (IOException e) {
                throw errors.map(e, "create the store directory", where);
            }
        }
    }

    @Override
    public URI location()
    {
        return config.location();
    }

    @Override
    public void write(String key, InputStream data, long length)
            throws IOException
    {
        Path target = paths.path(key);
        // bytes in memory (every blob a save writes) can be written again; another stream cannot
        if (!(data instanceof ByteArrayInputStream bytes)) {
            writer.write(key, target, data, length, Options.Rename.OVERWRITE);
            return;
        }
        bytes.mark(Integer.MAX_VALUE);
        retries.call(() -> {
            bytes.reset();
            writer.write(key, target, bytes, length, Options.Rename.OVERWRITE);
            return null;
        });
    }

    @Override
    public void createIfAbsent(String key, byte[] data)
            throws IOException
    {
        requireNonNull(data, "data is null");
        Path target = paths.path(key);
        // one NameNode operation that fails if the target exists: exactly one racing writer wins (a retry
        // whose first attempt won without hearing so finds the target there, as callers expect of retries)
        retries.call(() -> {
            writer.write(key, target, new ByteArrayInputStream(data), data.length, Options.Rename.NONE);
            return null;
        });
    }

    @Override
    public InputStream read(String key)
            throws IOException
    {
        Path path = paths.path(key);
        return retries.call(() -> open(key, path));
    }

    @Override
    public InputStream read(String key, long offset, long length)
            throws IOException
    {
        Path path = paths.path(key);
        StoreStreams.checkRange(key, offset, length);
        return retries.call(() -> openAt(key, path, offset, length));
    }

    private InputStream openAt(String key, Path path, long offset, long length)
            throws IOException
    {
        FSDataInputStream in = open(key, path);
        try {
            in.seek(offset);
        }
        catch (EOFException e) {
            // the offset is past the end of the blob
            in.close();
            return InputStream.nullInputStream();
        }
        catch (IOException e) {
            closeAfter(in, e);
            throw errors.map(e, "read", paths.uri(key));
        }
        catch (RuntimeException e) {
            closeAfter(in, e);
            throw e;
        }
        return new LimitedInputStream(in, length);
    }

    @Override
    public boolean exists(String key)
            throws IOException
    {
        Path path = paths.path(key);
        return retries.call(() -> {
            try {
                return files.getFileStatus(path).isFile();
            }
            catch (FileNotFoundException | ParentNotDirectoryException e) {
                return false;
            }
            catch (IOException e) {
                throw errors.map(e, "check", paths.uri(key));
            }
        });
    }

    @Override
    public List<String> list(String prefix)
            throws IOException
    {
        return retries.call(() -> directories.list(prefix));
    }

    @Override
    public void delete(Collection<String> keys)
            throws IOException
    {
        // validate every key before deleting any
        List<Path> targets = keys.stream().map(paths::path).toList();
        // the directories that may have become empty, also by an attempt that failed later
        Set<Path> parents = new HashSet<>();
        retries.call(() -> {
            // a blob an earlier attempt deleted is not there any more: nothing to delete
            deleteBlobs(keys, targets, parents);
            directories.pruneEmpty(parents);
            return null;
        });
    }

    private void deleteBlobs(Collection<String> keys, List<Path> targets, Set<Path> parents)
            throws IOException
    {
        int index = 0;
        for (String key : keys) {
            Path path = targets.get(index++);
            try {
                // a directory is not a blob, even when a key names it
                if (files.getFileStatus(path).isFile() && files.delete(path, false)) {
                    parents.add(path.getParent());
                }
            }
            catch (FileNotFoundException | ParentNotDirectoryException e) {
                // no blob: nothing to delete
            }
            catch (IOException e) {
                throw errors.map(e, "delete", paths.uri(key));
            }
        }
    }

    @Override
    public void close()
    {
        // FileContext has nothing to close: Hadoop shares the NameNode connection and closes it when idle
    }

    @Override
    public String toString()
    {
        return "HdfsCheckpointStore{" + config + ", user=" + user + "}";
    }

    private FSDataInputStream open(String key, Path path)
            throws IOException
    {
        try {
            // a directory is no blob: HDFS answers "Path is not a file" with FileNotFoundException
            return files.open(path, config.bufferSize());
        }
        catch (FileNotFoundException | ParentNotDirectoryException e) {
            throw notFound(key, e);
        }
        catch (AccessControlException e) {
            // HDFS reports a path through a file ("runs/r" a blob, "runs/r/lease" read) as "/.../runs/r (is not a directory)"
            if (directories.blocker(path).isPresent()) {
                throw notFound(key, e);
            }
            throw errors.map(e, "read", paths.uri(key));
        }
        catch (IOException e) {
            throw errors.map(e, "read", paths.uri(key));
        }
    }

    private FileNotFoundException notFound(String key, IOException cause)
    {
        return StoreErrors.notFound(key, config.location(), cause);
    }
}
