package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.repository.CheckpointExporter;
import io.cairn.core.repository.ChunkStore;
import io.cairn.core.repository.DescriptorFile;
import io.cairn.core.repository.GarbageCollector;
import io.cairn.core.repository.ManifestCatalog;
import io.cairn.core.repository.RunLease;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.tf.CheckpointRestorer;
import io.cairn.core.train.TrainerState;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A checkpoint repository on a {@link CheckpointStore}: content-addressed chunks, manifests as
 * commits, runs. A façade over the parts that do the work, each in {@code io.cairn.core.repository}:
 * the chunk store (content-addressed puts and verified reads), the manifest catalog (listing and the
 * commit protocol), the garbage collector, and the exporter; restoring into a TensorFlow model is
 * {@code io.cairn.core.tf}'s. Everything above the store SPI lives here once for every backend.
 *
 * <p>Checkpoints are written by a {@link Checkpointer}, which holds its run's lease. This class reads,
 * verifies, restores, exports and sweeps. Thread-safe. The repository owns its store: {@link #close()}
 * closes it.
 */
public final class CheckpointRepository
        implements AutoCloseable
{
    /**
     * Chunks transferred in parallel when the caller does not say.
     */
    public static final int DEFAULT_TRANSFER_THREADS = 4;

    private final CheckpointStore store;
    private final ManifestCatalog catalog;
    private final ChunkStore chunks;
    private final GarbageCollector collector;

    private CheckpointRepository(CheckpointStore store, RepositoryDescriptor descriptor, int transferThreads)
    {
        this.store = requireNonNull(store, "store is null");
        this.catalog = new ManifestCatalog(store);
        this.chunks = new ChunkStore(store, descriptor.chunkSize(), transferThreads);
        this.collector = new GarbageCollector(store, catalog, Clock.systemUTC());
    }

    /**
     * Opens the repository at the store's root, creating {@code cairn-repository.json} with the given
     * chunk size if the store has none (an existing repository keeps its own chunk size).
     *
     * @param uploadThreads chunks uploaded (and read) in parallel, 1 to 64
     */
    public static CheckpointRepository create(CheckpointStore store, int chunkSize, int uploadThreads)
            throws IOException
    {
        if (uploadThreads < 1 || uploadThreads > 64) {
            throw new IllegalArgumentException("uploadThreads must be from 1 to 64, got " + uploadThreads);
        }
        return new CheckpointRepository(store, DescriptorFile.createIfAbsent(store, chunkSize), uploadThreads);
    }

    public static CheckpointRepository create(CheckpointStore store)
            throws IOException
    {
        return create(store, RepositoryDescriptor.DEFAULT_CHUNK_SIZE, DEFAULT_TRANSFER_THREADS);
    }

    /**
     * Opens an existing repository; fails naming the store when it holds none.
     *
     * @throws java.io.FileNotFoundException if the store holds no repository
     */
    public static CheckpointRepository open(CheckpointStore store)
            throws IOException
    {
        return new CheckpointRepository(store, DescriptorFile.readExisting(store), DEFAULT_TRANSFER_THREADS);
    }

    public CheckpointStore store()
    {
        return store;
    }

    public int chunkSize()
    {
        return chunks.chunkSize();
    }

    /**
     * Run ids in the repository, oldest first (ids start with their creation time).
     */
    public List<String> runs()
            throws IOException
    {
        return catalog.runs();
    }

    public Optional<String> newestRun()
            throws IOException
    {
        return catalog.newestRun();
    }

    /**
     * Every run at a glance, oldest first: start, parent, newest step, checkpoints and kinds, bytes
     * referenced and unique to it, and a live writer. Read from manifests and leases; no chunk is read.
     */
    public List<RunSummary> runSummaries()
            throws IOException
    {
        return RunSummaries.of(this);
    }

    /**
     * The committed checkpoints of a run, by step.
     */
    public List<Manifest> checkpoints(String run)
            throws IOException
    {
        return catalog.checkpoints(run);
    }

    /**
     * Every committed checkpoint, by run then step.
     */
    public List<Manifest> checkpoints()
            throws IOException
    {
        return catalog.checkpoints();
    }

    /**
     * Every checkpoint whose manifest is damaged (does not parse or validate), by run then step. They
     * are left out of {@link #checkpoints()}; {@link #verify} finds damaged chunks.
     */
    public List<DamagedCheckpoint> damagedCheckpoints()
            throws IOException
    {
        return catalog.damaged();
    }

    /**
     * The damaged manifests of one run, by step.
     */
    public List<DamagedCheckpoint> damagedCheckpoints(String run)
            throws IOException
    {
        return catalog.scan(run).damaged();
    }

    /**
     * @throws java.io.FileNotFoundException if the run has no checkpoint at that step
     */
    public Manifest checkpoint(String run, long step)
            throws IOException
    {
        return catalog.checkpoint(run, step);
    }

    public Optional<Manifest> latest(String run)
            throws IOException
    {
        return catalog.latest(run);
    }

    /**
     * The run's checkpoint with the best value of a metric (the newer one on a tie), if any has it.
     */
    public Optional<Manifest> best(String run, String metric, MetricMode mode)
            throws IOException
    {
        List<Manifest> checkpoints = catalog.checkpoints(run);
        Set<Long> best = RetentionPolicy.keepBest(1, metric, mode).keep(checkpoints);
        return checkpoints.stream().filter(manifest -> best.contains(manifest.step())).findFirst();
    }

    /**
     * Restores a checkpoint's variables into a model: all of them for {@code FULL} and {@code STATE},
     * the weights for {@code WEIGHTS}. Every type and shape is checked before anything is assigned, so a
     * mismatch leaves the model untouched.
     *
     * @return the checkpoint's trainer state, if it has one
     * @throws ModelMismatchException naming the variable and both shapes
     */
    public Optional<TrainerState> restore(Manifest manifest, Model model)
            throws IOException
    {
        return new CheckpointRestorer(chunks).restore(manifest, model);
    }

    /**
     * Restores only the model weights of a checkpoint of any kind into a model, as fine-tuning from
     * another run starts; the model's optimizer state (which may differ, e.g. with frozen layers) is
     * left as it is. Every weight's type and shape is checked first.
     *
     * @throws ModelMismatchException naming the weight and both shapes
     */
    public void restoreWeights(Manifest manifest, Model model)
            throws IOException
    {
        new CheckpointRestorer(chunks).restoreWeights(manifest, model);
    }

    /**
     * Streams one file of a checkpoint, verifying every chunk's hash and the whole file's.
     *
     * @throws CorruptCheckpointException naming the file and chunk on a mismatch or a missing chunk
     */
    public void readFile(Manifest manifest, Manifest.FileEntry file, OutputStream out)
            throws IOException
    {
        chunks.readFile(manifest, file, out);
    }

    /**
     * Writes every file of the checkpoint, verified, under a local directory; adds
     * {@code trainer-state.json} when the checkpoint has trainer state.
     */
    public void materialize(Manifest manifest, Path directory)
            throws IOException
    {
        new CheckpointExporter(chunks).materialize(manifest, directory);
    }

    /**
     * Writes a {@code FULL} checkpoint as exactly a SavedModel directory, verified while read, for
     * TensorFlow's loaders and TF Serving. Its trainer state stays in the manifest
     * ({@link Manifest#trainerState()}).
     *
     * @throws IllegalArgumentException if the checkpoint is not {@code FULL}
     */
    public void exportSavedModel(Manifest manifest, Path directory)
            throws IOException
    {
        new CheckpointExporter(chunks).exportSavedModel(manifest, directory);
    }

    /**
     * Writes a {@code FULL} checkpoint as {@code base/<version>/}, the layout TF Serving polls: the
     * next integer version (1 if none), or {@code version} when given. The SavedModel is written into
     * a hidden temp directory and renamed into place, so a poller never sees half a version.
     *
     * @return the version written
     * @throws IllegalArgumentException if the checkpoint is not {@code FULL}, or the version exists
     */
    public long exportServingVersion(Manifest manifest, Path base, OptionalLong version)
            throws IOException
    {
        return new CheckpointExporter(chunks).exportServingVersion(manifest, base, version);
    }

    /**
     * The same on a store (S3, HDFS...), under its root: a store has no rename, so the files go under
     * {@code <version>/} with {@code saved_model.pb}, which TF Serving waits for, last.
     *
     * @return the version written
     * @throws IllegalArgumentException if the checkpoint is not {@code FULL}, or the version exists
     */
    public long exportServingVersion(Manifest manifest, CheckpointStore base, OptionalLong version)
            throws IOException
    {
        return new CheckpointExporter(chunks).exportServingVersion(manifest, base, version);
    }

    /**
     * Copies a checkpoint as plain files (a SavedModel directory or TF checkpoint files) into another
     * store, under a prefix ("" for its root). Files are verified while read.
     *
     * @return the keys written
     */
    public List<String> export(Manifest manifest, CheckpointStore target, String prefix)
            throws IOException
    {
        return new CheckpointExporter(chunks).export(manifest, target, prefix);
    }

    /**
     * Copies a {@code FULL} checkpoint as exactly a SavedModel into another store under a prefix,
     * writing {@code saved_model.pb} last (a store has no rename; TF Serving waits for that file). On a
     * failure the keys written so far are deleted.
     *
     * @return the keys written
     * @throws IllegalArgumentException if the checkpoint is not {@code FULL}
     */
    public List<String> exportSavedModel(Manifest manifest, CheckpointStore target, String prefix)
            throws IOException
    {
        return new CheckpointExporter(chunks).exportSavedModel(manifest, target, prefix);
    }

    /**
     * The writer holding the run's live lease, if one does: a run being trained now (or whose writer
     * died less than a lease's time to live ago).
     */
    public Optional<RunHolder> writer(String run)
            throws IOException
    {
        return RunLease.liveHolder(store, run, Instant.now())
                .map(holder -> new RunHolder(holder.host(), holder.pid(), holder.startedAt(), holder.expiresAt()));
    }

    /**
     * Re-reads and re-hashes every chunk of a checkpoint.
     *
     * @return the problems found, empty when the checkpoint is intact
     */
    public List<String> verify(Manifest manifest)
            throws IOException
    {
        return chunks.verify(manifest);
    }

    /**
     * Deletes every chunk no committed manifest references. A save in flight has uploaded chunks its
     * manifest does not reference yet, so unless {@code force} is set this refuses while any run of the
     * repository holds a live lease (is being written).
     *
     * @throws IllegalStateException naming the run, host and pid of a live writer
     */
    public GcResult gc(boolean dryRun, boolean force)
            throws IOException
    {
        return collector.sweep(dryRun, force);
    }

    /**
     * What {@link #gc} found.
     *
     * @param chunks chunks in the repository
     * @param referenced chunks committed manifests reference
     * @param unreferenced keys of the chunks swept (or, on a dry run, that would be)
     */
    public record GcResult(long chunks, long referenced, List<String> unreferenced)
    {
        public GcResult
        {
            unreferenced = List.copyOf(unreferenced);
        }
    }

    ManifestCatalog catalog()
    {
        return catalog;
    }

    ChunkStore chunks()
    {
        return chunks;
    }

    GarbageCollector collector()
    {
        return collector;
    }

    @Override
    public void close()
            throws IOException
    {
        chunks.close();
        store.close();
    }
}
