package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.ManifestCatalog;
import io.cairn.core.repository.RepositoryLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a resumed run continues from: the newest of its {@code FULL} or {@code STATE} checkpoints that
 * restores. A damaged manifest is skipped when listed; a checkpoint whose restore finds a chunk missing
 * or damaged ({@link CorruptCheckpointException}, thrown before anything is assigned) is skipped and the
 * next newest tried. Each skipped checkpoint is logged at WARN and kept in {@link #skipped}, and the
 * chunks of the skipped ones are returned as {@link #distrusted}: the resumed run writes them afresh
 * when it saves those steps again. So are the chunks of a damaged file of the resume point that its
 * restore does not need (a {@code FULL} checkpoint's {@code saved_model.pb}): that checkpoint still
 * resumes, with a WARN.
 */
record ResumePoint(Optional<Manifest> resumable, List<Manifest> checkpoints, List<DamagedCheckpoint> skipped, Set<String> distrusted)
{
    private static final Logger log = LoggerFactory.getLogger(ResumePoint.class);

    /**
     * A new run's: nothing restored, skipped or distrusted.
     */
    static final ResumePoint NONE = new ResumePoint(Optional.empty(), List.of(), List.of(), Set.of());

    /**
     * Restores the resume point into the model.
     *
     * @throws IllegalArgumentException if the run has only WEIGHTS checkpoints
     * @throws CorruptCheckpointException if the run has checkpoints but none of them can be restored
     */
    static ResumePoint restore(CheckpointRepository repository, String run, Model model)
            throws IOException
    {
        ManifestCatalog.Scan scan = repository.catalog().scan(run);
        List<Manifest> checkpoints = scan.intact();
        List<Manifest> resumables = new ArrayList<>(checkpoints.stream().filter(manifest -> manifest.kind().resumable()).toList());
        if (resumables.isEmpty() && !checkpoints.isEmpty() && scan.damaged().isEmpty()) {
            throw new IllegalArgumentException("Run " + run + " has only WEIGHTS checkpoints, which cannot resume training exactly; "
                    + "save with SaveKind.STATE or SaveKind.FULL, or start a new run");
        }
        List<DamagedCheckpoint> skipped = new ArrayList<>();
        Set<String> distrusted = new HashSet<>();
        Optional<Manifest> resumed = Optional.empty();
        for (int i = resumables.size() - 1; i >= 0 && resumed.isEmpty(); i--) {
            Manifest candidate = resumables.get(i);
            try {
                repository.restore(candidate, model);
                resumed = Optional.of(candidate);
            }
            catch (CorruptCheckpointException e) {
                skipped.add(new DamagedCheckpoint(run, candidate.step(), RepositoryLayout.manifestKey(run, candidate.step()), e.getMessage()));
                candidate.files().forEach(file -> distrusted.addAll(file.chunks()));
            }
        }
        long resumedStep = resumed.map(Manifest::step).orElse(-1L);
        scan.damaged().stream().filter(damaged -> damaged.step() > resumedStep).forEach(skipped::add);
        skipped.sort(Comparator.comparingLong(DamagedCheckpoint::step).reversed());
        skipped.forEach(damaged -> log.warn("Run {}: skipping the damaged checkpoint at step {}: {}", run, damaged.step(), damaged.reason()));
        if (resumed.isEmpty() && !skipped.isEmpty()) {
            throw new CorruptCheckpointException("Run " + run + " has no intact checkpoint to resume from; damaged: "
                    + skipped.stream().map(damaged -> "step " + damaged.step() + " (" + damaged.reason() + ")").toList() + "; start a new run");
        }
        resumed.ifPresent(manifest -> manifest.files().forEach(file -> distrusted.removeAll(file.chunks())));
        if (resumed.isPresent()) {
            distrusted.addAll(damagedFilesResumeDoesNotRead(repository, resumed.get()));
            log.info("Run {} resumes from step {}", run, resumedStep);
        }
        return new ResumePoint(resumed, checkpoints, List.copyOf(skipped), Set.copyOf(distrusted));
    }

    /**
     * Checks the files of the resume point a restore does not read (a {@code FULL} checkpoint's
     * {@code saved_model.pb}): a damaged one does not stop the resume, whose state is intact, but fails
     * the checkpoints that share it in {@code verify} and {@code export}. It is told at WARN, and its
     * chunks are returned so that no later save trusts them.
     */
    private static Set<String> damagedFilesResumeDoesNotRead(CheckpointRepository repository, Manifest resumed)
            throws IOException
    {
        Set<String> damaged = new HashSet<>();
        for (Manifest.FileEntry file : resumed.files()) {
            if (CheckpointFiles.isVariablesFile(file.path())) {
                continue;
            }
            try {
                repository.readFile(resumed, file, OutputStream.nullOutputStream());
            }
            catch (CorruptCheckpointException e) {
                log.warn("Run {}: resuming from step {}, whose {} is damaged (the training state is intact; the run's next FULL saves write their own, "
                        + "verify names the checkpoints that share the damaged one): {}", resumed.run(), resumed.step(), file.path(), e.getMessage());
                damaged.addAll(file.chunks());
            }
        }
        return damaged;
    }
}
