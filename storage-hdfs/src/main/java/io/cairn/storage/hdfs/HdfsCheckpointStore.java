package io.cairn.storage.hdfs;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.LimitedInputStream;
import io.cairn.core.store.StoreErrors;
import io.cairn.core.store.StoreKeys;
import io.cairn.core.store.StoreStreams;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Options.CreateOpts;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.SecurityUtil;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * A checkpoint store in an HDFS directory: each key is a file under the root. A blob is written to a
 * temp file in {@code <root>/.cairn-tmp/}, {@code hsync}ed (with {@link CreateFlag#SYNC_BLOCK}, so every
 * block of it is on disk), closed, and renamed into place in one NameNode operation: replacing for
 * {@link #write}, and failing if the target exists for {@link #createIfAbsent}. Readers and crashes
 * never see part of a blob.
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
    private static final int COPY_BUFFER_MIN = 64 << 10;
    // renames retry when the target's parent is missing: made, or made again after a concurrent delete
    // pruned it (each attempt is a rename and a mkdir, so the NameNode round trips pace the retries)
    private static final int MAX_PLACE_ATTEMPTS = 20;

    private final FileContext files;
    private final HdfsStoreConfig config;
    private final HdfsErrors errors;
    private final Path root;
    private final Path tempDirectory;
    private final String user;

    private HdfsCheckpointStore(FileContext files, HdfsStoreConfig config, String user)
    {
        this.files = requireNonNull(files, "files is null");
        this.config = requireNonNull(config, "config is null");
        this.user = requireNonNull(user, "user is null");
        this.errors = new HdfsErrors(config, user);
        this.root = absolute(config.rootPath());
        this.tempDirectory = absolute(join(config.rootPath(), TEMP_DIRECTORY));
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
        FileStatus status;
        try {
            status = files.getFileStatus(root);
        }
        catch (FileNotFoundException e) {
            status = null;
        }
        catch (ParentNotDirectoryException e) {
            throw new IOException("Cannot open " + where + ": " + blocker(root).orElse("a parent is a file")
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
                throw new IOException("Cannot create the HDFS store directory " + where + ": " + blocker(root).orElse(StoreErrors.firstLine(e))
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
        Path target = path(key);
        place(key, writeTemp(key, data, length), target, Options.Rename.OVERWRITE);
    }

    @Override
    public void createIfAbsent(String key, byte[] data)
            throws IOException
    {
        Path target = path(key);
        Path temp = writeTemp(key, new ByteArrayInputStream(requireNonNull(data, "data is null")), data.length);
        // one NameNode operation that fails if the target exists: exactly one racing writer wins
        place(key, temp, target, Options.Rename.NONE);
    }

    @Override
    public InputStream read(String key)
            throws IOException
    {
        return open(key, path(key));
    }

    @Override
    public InputStream read(String key, long offset, long length)
            throws IOException
    {
        Path path = path(key);
        StoreStreams.checkRange(key, offset, length);
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
            throw errors.map(e, "read", uri(key));
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
        Path path = path(key);
        try {
            return files.getFileStatus(path).isFile();
        }
        catch (FileNotFoundException | ParentNotDirectoryException e) {
            return false;
        }
        catch (IOException e) {
            throw errors.map(e, "check", uri(key));
        }
    }

    @Override
    public List<String> list(String prefix)
            throws IOException
    {
        StoreKeys.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        String startKey = slash < 0 ? "" : prefix.substring(0, slash);
        if (isReserved(startKey)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        Path start = startKey.isEmpty() ? root : absolute(join(config.rootPath(), startKey));
        if (!startKey.isEmpty()) {
            // listing a file lists the file itself: make sure the start is a directory
            try {
                if (!files.getFileStatus(start).isDirectory()) {
                    return keys;
                }
            }
            catch (FileNotFoundException | ParentNotDirectoryException e) {
                return keys;
            }
            catch (IOException e) {
                throw errors.map(e, "list", uri(startKey) + "/");
            }
        }
        walk(start, startKey, prefix, keys);
        return keys;
    }

    private void walk(Path directory, String directoryKey, String prefix, List<String> keys)
            throws IOException
    {
        List<FileStatus> subdirectories = new ArrayList<>();
        try {
            RemoteIterator<FileStatus> entries = files.listStatus(directory);
            while (entries.hasNext()) {
                FileStatus status = entries.next();
                String name = status.getPath().getName();
                String key = directoryKey.isEmpty() ? name : directoryKey + "/" + name;
                if (status.isDirectory()) {
                    // the walk starts at the prefix's directory, so below it only names that extend the prefix can match
                    if (!(directoryKey.isEmpty() && name.equals(TEMP_DIRECTORY)) && (key + "/").startsWith(prefix)) {
                        subdirectories.add(status);
                    }
                }
                else if (status.isFile() && key.startsWith(prefix)) {
                    keys.add(key);
                }
            }
        }
        catch (FileNotFoundException e) {
            // deleted while we walked
            return;
        }
        catch (IOException e) {
            throw errors.map(e, "list", directoryKey.isEmpty() ? config.location().toString() : uri(directoryKey) + "/");
        }
        for (FileStatus subdirectory : subdirectories) {
            String name = subdirectory.getPath().getName();
            walk(subdirectory.getPath(), directoryKey.isEmpty() ? name : directoryKey + "/" + name, prefix, keys);
        }
    }

    @Override
    public void delete(Collection<String> keys)
            throws IOException
    {
        // validate every key before deleting any
        List<Path> paths = keys.stream().map(this::path).toList();
        // the directories that may have become empty, deepest first
        TreeSet<Path> parents = new TreeSet<>(Comparator.comparingInt(Path::depth).reversed().thenComparing(Path::toString));
        int index = 0;
        for (String key : keys) {
            Path path = paths.get(index++);
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
                throw errors.map(e, "delete", uri(key));
            }
        }
        pruneEmptyDirectories(parents);
    }

    /**
     * Deletes the given directories, and then their parents up to the root, while they are empty: a
     * deleted checkpoint leaves no empty {@code runs/<run>/checkpoints} behind. A writer that needs a
     * pruned directory makes it again (see {@link #place}).
     */
    private void pruneEmptyDirectories(TreeSet<Path> directories)
    {
        while (!directories.isEmpty()) {
            Path directory = directories.pollFirst();
            if (directory.depth() <= root.depth() || directory.equals(tempDirectory)) {
                continue;
            }
            try {
                // not recursive: the NameNode refuses, atomically, to delete a directory that has entries
                if (files.delete(directory, false)) {
                    directories.add(directory.getParent());
                }
            }
            catch (IOException e) {
                // not empty (the usual case for chunks/xx), or already gone: either way nothing to prune
                log.debug("Not pruning {}: {}", directory, StoreErrors.firstLine(e));
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

    /**
     * Copies exactly {@code length} bytes to a new temp file and makes them durable.
     */
    private Path writeTemp(String key, InputStream data, long length)
            throws IOException
    {
        requireNonNull(data, "data is null");
        StoreStreams.checkLength(key, length);
        Path temp = new Path(tempDirectory, UUID.randomUUID() + ".tmp");
        FSDataOutputStream out;
        try {
            out = files.create(temp, EnumSet.of(CreateFlag.CREATE, CreateFlag.SYNC_BLOCK),
                    CreateOpts.createParent(),
                    CreateOpts.repFac(config.replication()),
                    CreateOpts.blockSize(config.blockSize()),
                    CreateOpts.bufferSize(config.bufferSize()));
        }
        catch (IOException e) {
            throw errors.map(e, "write", uri(key));
        }
        try {
            // whatever the source stream throws, a short or long stream included, is no failure of HDFS
            InputStream source = new SourceStream(StoreStreams.exactLength(key, data, length));
            StoreStreams.copy(source, out, (int) Math.min(Math.max(COPY_BUFFER_MIN, config.bufferSize()), Math.max(length, 1)));
            out.hsync();
            out.close();
        }
        catch (SourceFailure e) {
            closeAfter(out, e.getCause());
            deleteTemp(temp, e.getCause());
            throw e.getCause();
        }
        catch (IOException e) {
            closeAfter(out, e);
            IOException mapped = errors.map(e, "write", uri(key));
            deleteTemp(temp, mapped);
            throw mapped;
        }
        catch (RuntimeException e) {
            closeAfter(out, e);
            deleteTemp(temp, e);
            throw e;
        }
        return temp;
    }

    /**
     * Renames the temp file onto the target, creating the target's parent directories when missing;
     * deletes the temp file if that fails.
     */
    private void place(String key, Path temp, Path target, Options.Rename mode)
            throws IOException
    {
        try {
            rename(key, temp, target, mode);
        }
        catch (IOException | RuntimeException e) {
            deleteTemp(temp, e);
            throw e;
        }
    }

    private void rename(String key, Path temp, Path target, Options.Rename mode)
            throws IOException
    {
        for (int attempt = 1; ; attempt++) {
            try {
                files.rename(temp, target, mode);
                return;
            }
            catch (FileAlreadyExistsException e) {
                if (mode == Options.Rename.NONE) {
                    throw StoreErrors.alreadyExists(key, uri(key), e);
                }
                throw placeFailure(key, target, e);
            }
            catch (ParentNotDirectoryException e) {
                throw underAFile(key, target, e);
            }
            catch (FileNotFoundException e) {
                // the parent directory is missing (rename never creates it)
                if (attempt >= MAX_PLACE_ATTEMPTS) {
                    throw errors.map(e, "write", uri(key));
                }
            }
            catch (IOException e) {
                throw placeFailure(key, target, e);
            }
            try {
                // a directory that exists already is fine: HDFS mkdir is then a no-op
                files.mkdir(target.getParent(), FsPermission.getDirDefault(), true);
            }
            catch (ParentNotDirectoryException | FileAlreadyExistsException e) {
                throw underAFile(key, target, e);
            }
            catch (IOException e) {
                throw errors.map(e, "write", uri(key));
            }
        }
    }

    private IOException placeFailure(String key, Path target, IOException failure)
    {
        try {
            if (files.getFileStatus(target).isDirectory()) {
                return new IOException("Cannot write " + uri(key) + ": it is a directory holding other keys (" + StoreErrors.firstLine(failure) + ")", failure);
            }
        }
        catch (IOException e) {
            failure.addSuppressed(e);
        }
        return errors.map(failure, "write", uri(key));
    }

    private IOException underAFile(String key, Path target, IOException failure)
    {
        return new IOException("Cannot write " + uri(key) + ": " + blocker(target).orElse(StoreErrors.firstLine(failure)), failure);
    }

    /**
     * Names the nearest ancestor of the path that exists and is a file, e.g. a blob where a directory must be.
     */
    private Optional<String> blocker(Path path)
    {
        for (Path ancestor = path.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            try {
                FileStatus status = files.getFileStatus(ancestor);
                return status.isDirectory() ? Optional.empty()
                        : Optional.of(config.fileSystemUri().resolve(ancestor.toUri().getRawPath()) + " is a file, not a directory");
            }
            catch (FileNotFoundException | ParentNotDirectoryException e) {
                // keep going up
            }
            catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
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
            if (blocker(path).isPresent()) {
                throw notFound(key, e);
            }
            throw errors.map(e, "read", uri(key));
        }
        catch (IOException e) {
            throw errors.map(e, "read", uri(key));
        }
    }

    private FileNotFoundException notFound(String key, IOException cause)
    {
        return StoreErrors.notFound(key, config.location(), cause);
    }

    private void deleteTemp(Path temp, Throwable failure)
    {
        // an interrupted write must still clean up: Hadoop's RPC fails at once while the flag is set
        boolean interrupted = Thread.interrupted();
        try {
            files.delete(temp, false);
        }
        catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeAfter(Closeable stream, Throwable failure)
    {
        try {
            stream.close();
        }
        catch (IOException | RuntimeException e) {
            // a failed HDFS stream throws its first failure again on close
            if (e != failure && e.getCause() != failure) {
                failure.addSuppressed(e);
            }
        }
    }

    private Path path(String key)
    {
        StoreKeys.check(key);
        if (isReserved(key)) {
            throw new IllegalArgumentException("Store key " + key + " is reserved for temp files by the HDFS store");
        }
        checkHdfsName(key, "Store key");
        return absolute(join(config.rootPath(), key));
    }

    private static boolean isReserved(String key)
    {
        return key.equals(TEMP_DIRECTORY) || key.startsWith(TEMP_DIRECTORY + "/");
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

    private String uri(String key)
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

    /**
     * The caller's stream, whose failures it marks as {@link SourceFailure}s.
     */
    private static final class SourceStream
            extends FilterInputStream
    {
        SourceStream(InputStream in)
        {
            super(in);
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws SourceFailure
        {
            try {
                return in.read(buffer, offset, length);
            }
            catch (IOException e) {
                throw new SourceFailure(e);
            }
        }
    }

    /**
     * A failure of the caller's input stream (or its length), as opposed to one of HDFS.
     */
    private static final class SourceFailure
            extends IOException
    {
        SourceFailure(IOException cause)
        {
            super(cause);
        }

        @Override
        public synchronized IOException getCause()
        {
            return (IOException) super.getCause();
        }
    }
}
