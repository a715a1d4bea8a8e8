package io.cairn.storage.local;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.LimitedInputStream;
import io.cairn.core.store.StoreErrors;
import io.cairn.core.store.StoreKeys;
import io.cairn.core.store.StoreStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

/**
 * A store in a directory: each key is a file under the root. Blobs are written to a temp file in
 * {@code <root>/.cairn-tmp/}, synced, and renamed (or, for create-if-absent, hard-linked) into place,
 * so a reader or a crash never sees part of a blob.
 */
final class LocalCheckpointStore
        implements CheckpointStore
{
    static final String TEMP_DIRECTORY = ".cairn-tmp";

    private static final Logger log = LoggerFactory.getLogger(LocalCheckpointStore.class);
    private static final int BUFFER_SIZE = 64 * 1024;
    // a concurrent delete may prune a directory between creating it and renaming into it
    private static final int MAX_PLACE_ATTEMPTS = 100;

    private final Path root;
    private final Path tempDirectory;
    private final URI location;
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
        Files.createDirectories(tempDirectory);
        this.hardLinks = useHardLinks && supportsHardLinks(tempDirectory);
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
        try {
            Files.deleteIfExists(tempDirectory);
        }
        catch (IOException e) {
            // a crashed or concurrent writer's temp file is still there; the directory stays, and is never listed
        }
    }

    @Override
    public void write(String key, InputStream data, long length)
            throws IOException
    {
        Path target = resolve(key);
        Path temp = writeTemp(key, data, length);
        place(temp, target, () -> Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING));
    }

    @Override
    public void createIfAbsent(String key, byte[] data)
            throws IOException
    {
        Path target = resolve(key);
        Path temp = writeTemp(key, new ByteArrayInputStream(requireNonNull(data, "data is null")), data.length);
        try {
            // link(2) fails if the target exists, so exactly one racing writer wins
            place(temp, target, hardLinks ? () -> Files.createLink(target, temp) : () -> Files.move(temp, target));
        }
        catch (FileAlreadyExistsException e) {
            throw StoreErrors.alreadyExists(key, target.toString(), e);
        }
        try {
            Files.deleteIfExists(temp);
        }
        catch (IOException e) {
            // the blob is in place; a leftover temp file only costs space
            log.debug("Could not delete temp file {}", temp, e);
        }
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
                return (key(directory) + "/").startsWith(prefix) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
            {
                if (attributes.isRegularFile()) {
                    String key = key(file);
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
                changed.add(pruneEmptyParents(target));
            }
        }
        // make the deletes durable before returning, so a caller that deletes manifests and then their
        // chunks never finds a manifest without its chunks after a crash
        for (Path directory : changed) {
            syncDirectory(directory);
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

    private String key(Path path)
    {
        Path relative = root.relativize(path);
        StringBuilder key = new StringBuilder();
        for (Path name : relative) {
            if (!key.isEmpty()) {
                key.append('/');
            }
            key.append(name);
        }
        return key.toString();
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
     * Copies exactly {@code length} bytes to a new synced temp file.
     */
    private Path writeTemp(String key, InputStream data, long length)
            throws IOException
    {
        requireNonNull(data, "data is null");
        StoreStreams.checkLength(key, length);
        Path temp = tempDirectory.resolve(".tmp-" + UUID.randomUUID());
        try (FileChannel channel = openTemp(temp)) {
            StoreStreams.copyExactly(key, data, length, Channels.newOutputStream(channel), BUFFER_SIZE);
            channel.force(true);
        }
        catch (IOException | RuntimeException e) {
            deleteTemp(temp, e);
            throw e;
        }
        return temp;
    }

    private FileChannel openTemp(Path temp)
            throws IOException
    {
        for (int attempt = 1; ; attempt++) {
            try {
                return FileChannel.open(temp, CREATE_NEW, WRITE);
            }
            catch (NoSuchFileException e) {
                // the temp directory is gone: removed by close() of another store on this root, or by hand
                if (attempt >= MAX_PLACE_ATTEMPTS) {
                    throw e;
                }
                Files.createDirectories(tempDirectory);
            }
        }
    }

    /**
     * Creates the target's missing parent directories and runs the step that makes the temp file
     * visible as the target, then syncs every directory whose entries changed. The temp file is deleted
     * if that fails.
     */
    private void place(Path temp, Path target, PlaceStep step)
            throws IOException
    {
        try {
            placeWithParents(target, step);
        }
        catch (IOException | RuntimeException e) {
            deleteTemp(temp, e);
            throw e;
        }
    }

    private void placeWithParents(Path target, PlaceStep step)
            throws IOException
    {
        for (int attempt = 1; ; attempt++) {
            List<Path> changed;
            try {
                changed = createParentDirectories(target);
                step.run();
            }
            catch (NoSuchFileException e) {
                // a concurrent delete pruned a directory we need (another writer may have made it again since)
                if (attempt >= MAX_PLACE_ATTEMPTS) {
                    throw e;
                }
                // let the deleting thread finish its prune before we build the path again
                Thread.yield();
                continue;
            }
            changed.add(target.getParent());
            for (Path directory : changed) {
                syncDirectory(directory);
            }
            return;
        }
    }

    /**
     * Returns the directories whose entries it changed: the parent of each directory it created.
     */
    private List<Path> createParentDirectories(Path target)
            throws IOException
    {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path directory = target.getParent(); !directory.equals(root) && !Files.isDirectory(directory); directory = directory.getParent()) {
            missing.push(directory);
        }
        List<Path> changed = new ArrayList<>();
        for (Path directory : missing) {
            try {
                Files.createDirectory(directory);
                changed.add(directory.getParent());
            }
            catch (FileAlreadyExistsException e) {
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(directory, BasicFileAttributes.class);
                }
                catch (NoSuchFileException gone) {
                    if (Files.isSymbolicLink(directory)) {
                        // a symbolic link to nothing (a pruned and re-made directory is never a link)
                        throw new FileSystemException(key(directory), null, "a dangling link has this name, so it cannot hold " + key(target));
                    }
                    // another writer made it and a concurrent delete pruned it again before we looked: start over
                    gone.addSuppressed(e);
                    throw gone;
                }
                if (!attributes.isDirectory()) {
                    throw new FileSystemException(key(directory), null, "a blob has this name, so it cannot hold " + key(target));
                }
            }
        }
        return changed;
    }

    /**
     * Deletes the now-empty directories above a deleted file, up to the root; returns the deepest
     * directory left, whose entries changed.
     */
    private Path pruneEmptyParents(Path file)
    {
        Path directory = file.getParent();
        while (!directory.equals(root)) {
            try {
                Files.delete(directory);
            }
            catch (DirectoryNotEmptyException | NoSuchFileException e) {
                // still in use, or pruned by a concurrent delete
                break;
            }
            catch (IOException e) {
                log.debug("Could not delete empty directory {}", directory, e);
                break;
            }
            directory = directory.getParent();
        }
        return directory;
    }

    private static void syncDirectory(Path directory)
            throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, READ)) {
            channel.force(true);
        }
        catch (NoSuchFileException e) {
            // pruned by a concurrent delete: nothing left to make durable
        }
    }

    private static void deleteTemp(Path temp, Exception failure)
    {
        try {
            Files.deleteIfExists(temp);
        }
        catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static boolean supportsHardLinks(Path directory)
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

    private interface PlaceStep
    {
        void run()
                throws IOException;
    }
}
