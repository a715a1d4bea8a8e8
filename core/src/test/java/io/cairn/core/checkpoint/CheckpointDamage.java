package io.cairn.core.checkpoint;

import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.RepositoryLayout;
import io.cairn.core.store.CheckpointStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One damaged object of a checkpoint, as bit rot or a partial copy leaves it, done through the store
 * (for the core tests and the command line's alike): a truncated or garbage manifest, a missing index
 * chunk, a flipped bit in a data chunk the previous checkpoint does not share.
 */
public enum CheckpointDamage
{
    TRUNCATED_MANIFEST(true),
    GARBAGE_MANIFEST(true),
    MISSING_INDEX_CHUNK(false),
    DAMAGED_DATA_CHUNK(false);

    private static final String DATA_FILE = CheckpointFiles.VARIABLES_PREFIX + ".data-00000-of-00001";

    private final boolean manifest;

    CheckpointDamage(boolean manifest)
    {
        this.manifest = manifest;
    }

    /**
     * Whether the damage is to the manifest (listings see it) rather than to a chunk (only reads do).
     */
    public boolean damagesManifest()
    {
        return manifest;
    }

    /**
     * Damages the checkpoint of the run at the step, in the repository's store.
     *
     * @return how the reports name the damaged object: the manifest's key or the chunk's hash
     */
    public String inject(CheckpointRepository repository, String run, long step)
            throws IOException
    {
        CheckpointStore store = repository.store();
        String manifestKey = RepositoryLayout.manifestKey(run, step);
        byte[] json = store.readAllBytes(manifestKey);
        switch (this) {
            case TRUNCATED_MANIFEST -> {
                // what a partial copy between buckets leaves
                write(store, manifestKey, Arrays.copyOf(json, json.length / 2));
                return manifestKey;
            }
            case GARBAGE_MANIFEST -> {
                byte[] garbage = new byte[json.length];
                new Random(7).nextBytes(garbage);
                write(store, manifestKey, garbage);
                return manifestKey;
            }
            case MISSING_INDEX_CHUNK -> {
                String chunk = repository.checkpoint(run, step).file(CheckpointFiles.VARIABLES_INDEX).orElseThrow().chunks().get(0);
                store.delete(List.of(RepositoryLayout.chunkKey(chunk)));
                return chunk;
            }
            case DAMAGED_DATA_CHUNK -> {
                Manifest previous = repository.checkpoints(run).stream().filter(checkpoint -> checkpoint.step() < step).reduce((first, second) -> second).orElseThrow();
                List<String> earlier = previous.file(DATA_FILE).orElseThrow().chunks();
                String chunk = repository.checkpoint(run, step).file(DATA_FILE).orElseThrow().chunks().stream()
                        .filter(hash -> !earlier.contains(hash)).findFirst().orElseThrow();
                String key = RepositoryLayout.chunkKey(chunk);
                byte[] bytes = store.readAllBytes(key);
                // one flipped bit: bit rot
                bytes[bytes.length / 2] ^= 1;
                write(store, key, bytes);
                return chunk;
            }
        }
        throw new AssertionError(this);
    }

    private static void write(CheckpointStore store, String key, byte[] bytes)
            throws IOException
    {
        store.write(key, new ByteArrayInputStream(bytes), bytes.length);
    }
}
