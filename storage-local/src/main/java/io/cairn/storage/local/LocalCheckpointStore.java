package io.cairn.storage.local;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.LimitedInputStream;
import io.cairn.core.store.StoreErrors;
import io.cairn.core.store.StoreKeys;
import io.cairn.core.store.StoreStreams;
import io.cairn.storage.local.LocalDirectories.PlaceStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.READ;
import static java.util.Objects.requireNonNull;

/**
 * A store in a directory: each key is a file under the root. Blobs are written to a temp file in
 * {@code <root>/.cairn-tmp/}, synced, and renamed (or, for create-if-absent, hard-linked) into place,
 * so a reader or a crash never sees part of a blob. {@link LocalTempFiles} writes the temp files;
 * {@link LocalDirectories} makes, prunes and syncs the directories that hold the blobs.
 */
final class LocalCheckpointStore
        implements CheckpointStore
{
    static final String TEMP_DIRECTORY = ".cairn-tmp";

    private static final Logger log = LoggerFactory.getLogger(LocalCheckpointStore.class);

    private final Path root;
    private final Path tempDirectory;
    private final URI location;
    private final LocalDirectories directories;
    private final LocalTempFiles tempFiles;
    private final boolean hardLinks;

    /**
     * @param useHardLinks whether to use hard links for create-if-absent where the file system has them
     */
    LocalCheckpointStore(Path root, boolean useHardLinks)
            throws IOException
    {
        Path absolute = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.location = absolute.toUri();
        // work in the real directory, so that a root reached through a symbolic link can be walked
        this.root = absolute.toRealPath();
        this.tempDirectory = this.root.resolve(TEMP_DIRECTORY);
        this.directories = new LocalDirectories(this.root);
        this.tempFiles = new LocalTempFiles(tempDirectory);
        Files.createDirectories(tempDirectory);
        this.hardLinks = useHardLinks && tempFiles.supportsHardLinks();
        if (useHardLinks && !hardLinks) {
            log.warn("The file system of {} has no hard links: two processes racing to create the same checkpoint could both succeed. "
                    + "Do not let two writers share a run on it.", root);
        }
    }

    @Override
    public URI location()
    {
        return location;
    }

    /**
     * Removes the temp directory when no write left anything in it, so an exported SavedModel directory
     * holds only the SavedModel.
     */
    @Override
    public void close()
    {
        tempFiles.deleteDirectoryIfEmpty();
    }

    @Override
    public void write(String key, InputStream data, long length)
            throws IOException
    {
        Path target = resolve(key);
        Path temp = tempFiles.write(key, data, length);
        place(temp, target, () -> Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING));
    }

    @Override
    public void createIfAbsent(String key, byte[] data)
            throws IOException
    {
        Path target = resolve(key);
        Path temp = tempFiles.write(key, new ByteArrayInputStream(requireNonNull(data, "data is null")), data.length);
        try {
            // link(2) fails if the target exists, so exactly one racing writer wins
            place(temp, target, hardLinks ? () -> Files.createLink(target, temp) : () -> Files.move(temp, target));
        }
        catch (FileAlreadyExistsException e) {
            throw StoreErrors.alreadyExists(key, target.toString(), e);
        }
        LocalTempFiles.deletePlaced(temp);
    }

    @Override
    public InputStream read(String key)
            throws IOException
    {
        return Channels.newInputStream(open(key));
    }

    @Override
    public InputStream read(String key, long offset, long length)
            throws IOException
    {
        StoreKeys.check(key);
        StoreStreams.checkRange(key, offset, length);
        FileChannel channel = open(key);
        try {
            channel.position(offset);
        }
        catch (IOException e) {
            channel.close();
            throw e;
        }
        return new LimitedInputStream(Channels.newInputStream(channel), length);
    }

    @Override
    public boolean exists(String key)
    {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public List<String> list(String prefix)
            throws IOException
    {
        StoreKeys.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (start.startsWith(tempDirectory) || !Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
            {
                if (directory.equals(start)) {
                    return FileVisitResult.CONTINUE;
                }
                if (directory.equals(tempDirectory)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                // the walk starts at the prefix's directory, so below it only names that extend the prefix can match
                return (directories.key(directory) + "/").startsWith(prefix) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
            {
                if (attributes.isRegularFile()) {
                    String key = directories.key(file);
                    if (key.startsWith(prefix)) {
                        keys.add(key);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e)
                    throws IOException
            {
                if (e instanceof NoSuchFileException) {
                    // deleted while we walked
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e)
                    throws IOException
            {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return keys;
    }

    @Override
    public void delete(Collection<String> keys)
            throws IOException
    {
        List<Path> targets = keys.stream().map(this::resolve).toList();
        Set<Path> changed = new LinkedHashSet<>();
        for (Path target : targets) {
            // a directory is not a blob, even when a key names it
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(target)) {
                changed.add(directories.pruneEmptyParents(target));
            }
        }
        // make the deletes durable before returning, so a caller that deletes manifests and then their
        // chunks never finds a manifest without its chunks after a crash
        for (Path directory : changed) {
            LocalDirectories.sync(directory);
        }
    }

    @Override
    public String toString()
    {
        return location.toString();
    }

    private Path resolve(String key)
    {
        StoreKeys.check(key);
        if (key.equals(TEMP_DIRECTORY) || key.startsWith(TEMP_DIRECTORY + "/")) {
            throw new IllegalArgumentException("Store key " + key + " is reserved for temp files by the local store");
        }
        return root.resolve(key);
    }

    private FileChannel open(String key)
            throws IOException
    {
        Path file = resolve(key);
        // a directory (or a path through a file) is no blob; this also keeps read() from failing late
        if (!Files.isRegularFile(file)) {
            throw StoreErrors.notFound(key, location, null);
        }
        try {
            return FileChannel.open(file, READ);
        }
        catch (NoSuchFileException e) {
            throw StoreErrors.notFound(key, location, e);
        }
    }

    /**
     * Makes the temp file visible as the target (see {@link LocalDirectories#place}); the temp file is
     * deleted if that fails.
     */
    private void place(Path temp, Path target, PlaceStep step)
            throws IOException
    {
        try {
            directories.place(target, step);
        }
        catch (IOException | RuntimeException e) {
            LocalTempFiles.deleteAfter(temp, e);
            throw e;
        }
    }
}
