package io.cairn.storage.local;

import io.cairn.core.store.StoreStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

/**
 * A local store's temp directory, {@code <root>/.cairn-tmp/}: a blob is written and synced here in full
 * before it is renamed or linked into place, so a reader or a crash never sees part of it.
 */
final class LocalTempFiles
{
    private static final Logger log = LoggerFactory.getLogger(LocalTempFiles.class);
    private static final int BUFFER_SIZE = 64 * 1024;
    // close() of another store on this root may remove the directory between making it and creating a file in it
    private static final int MAX_CREATE_ATTEMPTS = 100;

    private final Path directory;

    LocalTempFiles(Path directory)
    {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /**
     * Copies exactly {@code length} bytes to a new synced temp file.
     */
    Path write(String key, InputStream data, long length)
            throws IOException
    {
        requireNonNull(data, "data is null");
        StoreStreams.checkLength(key, length);
        Path temp = directory.resolve(".tmp-" + UUID.randomUUID());
        try (FileChannel channel = create(temp)) {
            StoreStreams.copyExactly(key, data, length, Channels.newOutputStream(channel), BUFFER_SIZE);
            channel.force(true);
        }
        catch (IOException | RuntimeException e) {
            deleteAfter(temp, e);
            throw e;
        }
        return temp;
    }

    private FileChannel create(Path temp)
            throws IOException
    {
        for (int attempt = 1; ; attempt++) {
            try {
                return FileChannel.open(temp, CREATE_NEW, WRITE);
            }
            catch (NoSuchFileException e) {
                // the temp directory is gone: removed by close() of another store on this root, or by hand
                if (attempt >= MAX_CREATE_ATTEMPTS) {
                    throw e;
                }
                Files.createDirectories(directory);
            }
        }
    }

    /**
     * Deletes a temp file whose blob failed, attaching a failure to delete it to the blob's failure.
     */
    static void deleteAfter(Path temp, Exception failure)
    {
        try {
            Files.deleteIfExists(temp);
        }
        catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Deletes the temp file of a blob that is in place: a hard link to it is the blob now, and after a
     * rename there is nothing left to delete.
     */
    static void deletePlaced(Path temp)
    {
        try {
            Files.deleteIfExists(temp);
        }
        catch (IOException e) {
            // the blob is in place; a leftover temp file only costs space
            log.debug("Could not delete temp file {}", temp, e);
        }
    }

    /**
     * Removes the temp directory when no write left anything in it.
     */
    void deleteDirectoryIfEmpty()
    {
        try {
            Files.deleteIfExists(directory);
        }
        catch (IOException e) {
            // a crashed or concurrent writer's temp file is still there; the directory stays, and is never listed
        }
    }

    /**
     * Whether the temp directory's file system has hard links, found by making one.
     */
    boolean supportsHardLinks()
            throws IOException
    {
        Path probe = directory.resolve(".probe-" + UUID.randomUUID());
        Path link = directory.resolve(probe.getFileName() + "-link");
        Files.createFile(probe);
        try {
            Files.createLink(link, probe);
            return true;
        }
        catch (UnsupportedOperationException | FileSystemException e) {
            return false;
        }
        finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(probe);
        }
    }
}
