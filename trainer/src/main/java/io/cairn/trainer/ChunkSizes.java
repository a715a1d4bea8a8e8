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
     * Each distinct chunk of the checkpoint with its size, as the manifest records it (format 1
     * manifests: fixed-size chunks, the last one shorter).
     */
    static Map<String, Long> of(Manifest manifest)
    {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Manifest.FileEntry file : manifest.files()) {
            List<String> chunks = file.chunks();
            List<Long> lengths = manifest.chunkLengths(file);
            for (int i = 0; i < chunks.size(); i++) {
                sizes.put(chunks.get(i), lengths.get(i));
            }
        }
        return sizes;
    }
}
