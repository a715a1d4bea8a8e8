package io.cairn.storage.hdfs;

import io.cairn.core.store.StoreErrors;
import io.cairn.core.store.StoreKeys;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The directory tree under an HDFS store's root: walks it to list keys, prunes the directories that
 * deletes emptied, and names a file that stands where a directory must be.
 */
final class HdfsDirectories
{
    private static final Logger log = LoggerFactory.getLogger(HdfsDirectories.class);

    private final FileContext files;
    private final HdfsStoreConfig config;
    private final HdfsErrors errors;
    private final HdfsPaths paths;

    HdfsDirectories(FileContext files, HdfsStoreConfig config, HdfsErrors errors, HdfsPaths paths)
    {
        this.files = requireNonNull(files, "files is null");
        this.config = requireNonNull(config, "config is null");
        this.errors = requireNonNull(errors, "errors is null");
        this.paths = requireNonNull(paths, "paths is null");
    }

    /**
     * Every key under the prefix, walking only the directories that can hold one.
     */
    List<String> list(String prefix)
            throws IOException
    {
        StoreKeys.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        String startKey = slash < 0 ? "" : prefix.substring(0, slash);
        if (HdfsPaths.isReserved(startKey)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        Path start = startKey.isEmpty() ? paths.root() : paths.directory(startKey);
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
                throw errors.map(e, "list", paths.uri(startKey) + "/");
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
                    if (!(directoryKey.isEmpty() && name.equals(HdfsCheckpointStore.TEMP_DIRECTORY)) && (key + "/").startsWith(prefix)) {
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
            throw errors.map(e, "list", directoryKey.isEmpty() ? config.location().toString() : paths.uri(directoryKey) + "/");
        }
        for (FileStatus subdirectory : subdirectories) {
            String name = subdirectory.getPath().getName();
            walk(subdirectory.getPath(), directoryKey.isEmpty() ? name : directoryKey + "/" + name, prefix, keys);
        }
    }

    /**
     * Deletes the given directories, and then their parents up to the root, while they are empty: a
     * deleted checkpoint leaves no empty {@code runs/<run>/checkpoints} behind. A writer that needs a
     * pruned directory makes it again (see {@link HdfsBlobWriter}).
     */
    void pruneEmpty(Collection<Path> emptied)
    {
        // deepest first, so that a parent's turn comes after its children's
        TreeSet<Path> directories = new TreeSet<>(Comparator.comparingInt(Path::depth).reversed().thenComparing(Path::toString));
        directories.addAll(emptied);
        while (!directories.isEmpty()) {
            Path directory = directories.pollFirst();
            if (directory.depth() <= paths.root().depth() || directory.equals(paths.tempDirectory())) {
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

    /**
     * Names the nearest ancestor of the path that exists and is a file, e.g. a blob where a directory must be.
     */
    Optional<String> blocker(Path path)
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
}
