package io.cairn.storage.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static java.nio.file.StandardOpenOption.READ;
import static java.util.Objects.requireNonNull;

/**
 * The directories under a local store's root: a blob's parents are made when it is placed and pruned
 * when their last blob is deleted, and every directory whose entries change is synced, so that what a
 * store call did survives a crash once it returns.
 */
final class LocalDirectories
{
    private static final Logger log = LoggerFactory.getLogger(LocalDirectories.class);
    // a concurrent delete may prune a directory between creating it and renaming into it
    private static final int MAX_PLACE_ATTEMPTS = 100;

    private final Path root;

    /**
     * @param root the store's real root directory
     */
    LocalDirectories(Path root)
    {
        this.root = requireNonNull(root, "root is null");
    }

    /**
     * The key of a file or directory under the root: its names joined with {@code /} on every platform.
     */
    String key(Path path)
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

    /**
     * Creates the target's missing parent directories and runs the step that makes a file visible as
     * the target, then syncs every directory whose entries changed.
     */
    void place(Path target, PlaceStep step)
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
                sync(directory);
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
    Path pruneEmptyParents(Path file)
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

    /**
     * Makes the directory's entries durable: a rename, link or delete in it is not, until this returns.
     */
    static void sync(Path directory)
            throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, READ)) {
            channel.force(true);
        }
        catch (NoSuchFileException e) {
            // pruned by a concurrent delete: nothing left to make durable
        }
    }

    /**
     * What makes a file visible as the target: a rename or a hard link.
     */
    interface PlaceStep
    {
        void run()
                throws IOException;
    }
}
