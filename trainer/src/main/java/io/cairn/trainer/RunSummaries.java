package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.RunHolder;
import io.cairn.core.checkpoint.SaveKind;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code cairn runs} shows of each run, read from the manifests and the leases: no chunk is read.
 */
final class RunSummaries
{
    private static final Pattern RUN_ID_TIME = Pattern.compile("(\\d{8}T\\d{9}Z)(-.*)?");
    private static final DateTimeFormatter RUN_ID_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private RunSummaries() {}

    /**
     * @param startedAt ISO-8601, empty when neither the run id nor a checkpoint tells
     * @param newestStep empty when the run has no checkpoint yet
     * @param bytesReferenced the sizes of the distinct chunks its checkpoints reference
     * @param bytesUnique the part of those no other run references
     */
    record RunSummary(
            String run,
            Optional<String> startedAt,
            Optional<Manifest.InitFrom> parent,
            Optional<Long> newestStep,
            int checkpoints,
            Set<SaveKind> kinds,
            long bytesReferenced,
            long bytesUnique,
            Optional<RunHolder> writer) {}

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
            manifests.forEach(manifest -> chunks.putAll(ChunkSizes.of(manifest)));
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
     * The time a Cairn run id starts with, else the oldest checkpoint's (a run named with {@code --run}).
     */
    static Optional<String> startedAt(String run, List<Manifest> manifests)
    {
        Matcher matcher = RUN_ID_TIME.matcher(run);
        if (matcher.matches()) {
            try {
                return Optional.of(Instant.from(RUN_ID_FORMAT.parse(matcher.group(1))).toString());
            }
            catch (DateTimeParseException e) {
                // not a time after all: fall back to the checkpoints
            }
        }
        return manifests.stream().map(Manifest::createdAt).min(String::compareTo);
    }
}
