package io.cairn.examples.customstore;

import io.cairn.store.contract.AbstractCheckpointStoreTest;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The xor: store on the file: store, a hierarchical one: the contract again, with the file system as
 * the raw view.
 */
public class TestXorCheckpointStoreOnFiles
        extends AbstractCheckpointStoreTest
{
    @TempDir
    Path root;

    @Override
    protected Optional<String> storeUri()
    {
        return Optional.of("xor:" + root.toUri());
    }

    @Override
    protected Optional<byte[]> readRaw(String key)
            throws IOException
    {
        Path file = root.resolve(key);
        return Files.isRegularFile(file) ? Optional.of(XorCheckpointStore.xor(Files.readAllBytes(file), XorCheckpointStoreProvider.mask(Map.of()), 0)) : Optional.empty();
    }

    @Override
    protected boolean isHierarchical()
    {
        return true;
    }

    @Override
    protected boolean rawDirectoryExists(String path)
    {
        return Files.isDirectory(root.resolve(path));
    }
}
