package io.cairn.core.checkpoint;

import io.cairn.core.repository.RunIds;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Each run of a repository at a glance ({@link CheckpointRepository#runSummaries()}), read from the
 * manifests and the leases: no chunk is read.
 */
final class RunSummaries
{
    private RunSummaries() {}

    /**
     * Every run of the repository, oldest first.
     */
    static List<RunSummary> of(CheckpointRepository repository)
            throws IOException
    {
        Map<String, List<Manifest>> checkpoints = new LinkedHashMap<>();
        for (String run : repository.runs()) {
            checkpoints.put(run, new ArrayList<>());
        }
        for (Manifest manifest : repository.checkpoints()) {
            checkpoints.computeIfAbsent(manifest.run(), run -> new ArrayList<>()).add(manifest);
        }

        Map<String, Map<String, Long>> chunksOfRun = new LinkedHashMap<>();
        Map<String, Set<String>> runsOfChunk = new HashMap<>();
        checkpoints.forEach((run, manifests) -> {
            Map<String, Long> chunks = new HashMap<>();
            manifests.forEach(manifest -> manifest.files().forEach(file -> {
                List<Long> lengths = manifest.chunkLengths(file);
                for (int i = 0; i < file.chunks().size(); i++) {
                    chunks.put(file.chunks().get(i), lengths.get(i));
                }
            }));
            chunks.keySet().forEach(chunk -> runsOfChunk.computeIfAbsent(chunk, key -> new HashSet<>()).add(run));
            chunksOfRun.put(run, chunks);
        });

        List<RunSummary> summaries = new ArrayList<>();
        for (Map.Entry<String, List<Manifest>> entry : checkpoints.entrySet()) {
            String run = entry.getKey();
            List<Manifest> manifests = entry.getValue();
            Map<String, Long> chunks = chunksOfRun.get(run);
            Set<SaveKind> kinds = EnumSet.noneOf(SaveKind.class);
            manifests.forEach(manifest -> kinds.add(manifest.kind()));
            Optional<Manifest> newest = manifests.isEmpty() ? Optional.empty() : Optional.of(manifests.get(manifests.size() - 1));
            summaries.add(new RunSummary(
                    run,
                    startedAt(run, manifests),
                    newest.flatMap(Manifest::initFromIfPresent),
                    newest.map(Manifest::step),
                    manifests.size(),
                    kinds,
                    chunks.values().stream().mapToLong(Long::longValue).sum(),
                    chunks.entrySet().stream().filter(chunk -> runsOfChunk.get(chunk.getKey()).size() == 1).mapToLong(Map.Entry::getValue).sum(),
                    repository.writer(run)));
        }
        return summaries;
    }

    /**
     * The time a Cairn run id starts with, else the oldest checkpoint's (a run named by hand).
     */
    static Optional<String> startedAt(String run, List<Manifest> manifests)
    {
        return RunIds.startedAt(run).map(Instant::toString).or(() -> manifests.stream().map(Manifest::createdAt).min(String::compareTo));
    }
}
