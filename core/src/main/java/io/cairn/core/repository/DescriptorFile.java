package io.cairn.core.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.store.CheckpointStore;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;

/**
 * {@code cairn-repository.json}: created once, with create-if-absent, and validated on every open.
 */
public final class DescriptorFile
{
    private DescriptorFile() {}

    /**
     * The store's descriptor, created with the given chunk size if the store has none (an existing
     * repository keeps its own chunk size; of two racing creators the first wins).
     */
    public static RepositoryDescriptor createIfAbsent(CheckpointStore store, int chunkSize)
            throws IOException
    {
        RepositoryDescriptor.checkChunkSize(chunkSize);
        if (!store.exists(RepositoryLayout.DESCRIPTOR)) {
            RepositoryDescriptor fresh = new RepositoryDescriptor(RepositoryDescriptor.FORMAT_VERSION, chunkSize, RepositoryDescriptor.SHA_256);
            try {
                store.createIfAbsent(RepositoryLayout.DESCRIPTOR, ManifestCodec.MAPPER.writeValueAsBytes(fresh));
            }
            catch (FileAlreadyExistsException e) {
                // another writer created it first; use theirs
            }
        }
        return read(store);
    }

    /**
     * The store's descriptor; fails naming the store when it holds none.
     */
    public static RepositoryDescriptor readExisting(CheckpointStore store)
            throws IOException
    {
        if (!store.exists(RepositoryLayout.DESCRIPTOR)) {
            throw new FileNotFoundException("No Cairn repository at " + store.location() + " (no " + RepositoryLayout.DESCRIPTOR + "); check the store URI, or train into it first");
        }
        return read(store);
    }

    private static RepositoryDescriptor read(CheckpointStore store)
            throws IOException
    {
        byte[] bytes = store.readAllBytes(RepositoryLayout.DESCRIPTOR);
        RepositoryDescriptor descriptor;
        try {
            descriptor = ManifestCodec.MAPPER.readValue(bytes, RepositoryDescriptor.class);
        }
        catch (JsonProcessingException e) {
            throw new CorruptCheckpointException(RepositoryLayout.DESCRIPTOR + " at " + store.location() + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (descriptor.formatVersion() != RepositoryDescriptor.FORMAT_VERSION) {
            throw new CorruptCheckpointException("Repository at " + store.location() + " has format version " + descriptor.formatVersion() + "; this Cairn reads version " + RepositoryDescriptor.FORMAT_VERSION);
        }
        if (!RepositoryDescriptor.SHA_256.equals(descriptor.hashAlgorithm())) {
            throw new CorruptCheckpointException("Repository at " + store.location() + " uses hash " + descriptor.hashAlgorithm() + "; this Cairn supports " + RepositoryDescriptor.SHA_256);
        }
        try {
            RepositoryDescriptor.checkChunkSize(descriptor.chunkSize());
        }
        catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(RepositoryLayout.DESCRIPTOR + " at " + store.location() + ": " + e.getMessage());
        }
        return descriptor;
    }
}
