package io.cairn.storage.hdfs;

import io.cairn.core.store.StoreErrors;
import io.cairn.core.store.StoreStreams;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Options.CreateOpts;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.UUID;

import static io.cairn.storage.hdfs.HdfsErrors.closeAfter;
import static java.util.Objects.requireNonNull;

/**
 * Writes a blob of an HDFS store so that readers and crashes never see part of it: to a temp file in
 * {@code <root>/.cairn-tmp/}, created with {@link CreateFlag#SYNC_BLOCK} (so every block of it is on
 * disk), {@code hsync}ed and closed, then renamed into place in one NameNode operation. The temp file is
 * deleted when any step fails.
 */
final class HdfsBlobWriter
{
    private static final int COPY_BUFFER_MIN = 64 << 10;
    // renames retry when the target's parent is missing: made, or made again after a concurrent delete
    // pruned it (each attempt is a rename and a mkdir, so the NameNode round trips pace the retries)
    private static final int MAX_PLACE_ATTEMPTS = 20;

    private final FileContext files;
    private final HdfsStoreConfig config;
    private final HdfsErrors errors;
    private final HdfsPaths paths;
    private final HdfsDirectories directories;

    HdfsBlobWriter(FileContext files, HdfsStoreConfig config, HdfsErrors errors, HdfsPaths paths, HdfsDirectories directories)
    {
        this.files = requireNonNull(files, "files is null");
        this.config = requireNonNull(config, "config is null");
        this.errors = requireNonNull(errors, "errors is null");
        this.paths = requireNonNull(paths, "paths is null");
        this.directories = requireNonNull(directories, "directories is null");
    }

    /**
     * Writes exactly {@code length} bytes of {@code data} as the blob at {@code target}.
     *
     * @param mode {@link Options.Rename#OVERWRITE} to replace a blob, {@link Options.Rename#NONE} to fail
     * with {@link java.nio.file.FileAlreadyExistsException} if the target exists
     */
    void write(String key, Path target, InputStream data, long length, Options.Rename mode)
            throws IOException
    {
        place(key, writeTemp(key, data, length), target, mode);
    }

    /**
     * Copies exactly {@code length} bytes to a new temp file and makes them durable.
     */
    private Path writeTemp(String key, InputStream data, long length)
            throws IOException
    {
        requireNonNull(data, "data is null");
        StoreStreams.checkLength(key, length);
        Path temp = new Path(paths.tempDirectory(), UUID.randomUUID() + ".tmp");
        FSDataOutputStream out;
        try {
            out = files.create(temp, EnumSet.of(CreateFlag.CREATE, CreateFlag.SYNC_BLOCK),
                    CreateOpts.createParent(),
                    CreateOpts.repFac(config.replication()),
                    CreateOpts.blockSize(config.blockSize()),
                    CreateOpts.bufferSize(config.bufferSize()));
        }
        catch (IOException e) {
            throw errors.map(e, "write", paths.uri(key));
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
            IOException mapped = errors.map(e, "write", paths.uri(key));
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
                    throw StoreErrors.alreadyExists(key, paths.uri(key), e);
                }
                throw placeFailure(key, target, e);
            }
            catch (ParentNotDirectoryException e) {
                throw underAFile(key, target, e);
            }
            catch (FileNotFoundException e) {
                // the parent directory is missing (rename never creates it)
                if (attempt >= MAX_PLACE_ATTEMPTS) {
                    throw errors.map(e, "write", paths.uri(key));
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
                throw errors.map(e, "write", paths.uri(key));
            }
        }
    }

    private IOException placeFailure(String key, Path target, IOException failure)
    {
        try {
            if (files.getFileStatus(target).isDirectory()) {
                return new IOException("Cannot write " + paths.uri(key) + ": it is a directory holding other keys (" + StoreErrors.firstLine(failure) + ")", failure);
            }
        }
        catch (IOException e) {
            failure.addSuppressed(e);
        }
        return errors.map(failure, "write", paths.uri(key));
    }

    private IOException underAFile(String key, Path target, IOException failure)
    {
        return new IOException("Cannot write " + paths.uri(key) + ": " + directories.blocker(target).orElse(StoreErrors.firstLine(failure)), failure);
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
