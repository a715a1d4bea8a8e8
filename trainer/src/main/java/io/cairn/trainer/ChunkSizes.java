package io.cairn.trainer;

import io.cairn.core.checkpoint.Manifest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The size of every chunk a checkpoint references, from its manifest alone: no chunk is listed or read.
 */
final class ChunkSizes
{
    private ChunkSizes() {}

    /**
     * Each distinct chunk of the checkpoint with its size. A file is cut into chunks of the manifest's
     * chunk size, the last one shorter: the sizes core's chunk store checks when it reads a file back.
     * When manifests record each chunk's length, this is the one place to read it from instead.
     */
    static Map<String, Long> of(Manifest manifest)
    {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Manifest.FileEntry file : manifest.files()) {
            List<String> chunks = file.chunks();
            long remaining = file.size();
            for (String chunk : chunks) {
                long size = Math.min(remaining, manifest.chunkSize());
                sizes.put(chunk, size);
                remaining -= size;
            }
        }
        return sizes;
    }
}
