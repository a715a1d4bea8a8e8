package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.model.ModelSnapshot;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.repository.LeaseKeeper;
import io.cairn.core.repository.RunIds;
import io.cairn.core.repository.RunLease;
import io.cairn.core.repository.UploadSession;
import io.cairn.core.save.CheckpointWriter;
import io.cairn.core.save.RunCommits;
import io.cairn.core.save.RunRetention;
import io.cairn.core.save.SaveCost;
import io.cairn.core.save.SavePipeline;
import io.cairn.core.save.SaveTimings;
import io.cairn.core.train.TrainerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.util.Objects.requireNonNull;

/**
 * Saves checkpoints of one run while it trains.
 *
 * <ol>
 * <li>{@link #save} runs on the training thread: one {@code Session.run} of {@code tf.snapshot} of the
 * variables the kind needs. That memory copy is all training waits for.
 * <li>In the background, one save at a time in step order ({@code SavePipeline}): a side session
 * writes the snapshot in TF's format, the files are cut into chunks, hashed, and the chunks the
 * repository lacks are uploaded in parallel ({@code CheckpointWriter}, {@code ChunkStore}).
 * <li>The manifest is created if absent, under the run's lease: the commit ({@code ManifestCatalog}).
 * Then retention runs on committed manifests and sweeps the chunks only deleted checkpoints referenced
 * ({@code RunCommits}, {@code RunRetention}, {@code GarbageCollector}).
 * </ol>
 *
 * In-flight saves are bounded by count and snapshot memory. A failed background save is reported to
 * listeners and, as {@link CheckpointerOptions#onSaveFailure()} says, thrown by the next {@link #save},
 * {@link #awaitPending} or {@link #close} ({@link OnSaveFailure#STOP}), or not ({@code CONTINUE}). The run's
 * lease is renewed while the checkpointer is open ({@code LeaseKeeper}) and released by {@link #close}.
 */
public final class Checkpointer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

    private final CheckpointRepository repository;
    private final Model model;
    private final CheckpointerOptions options;
    private final String run;
    private final Optional<Manifest> resumedFrom;
    private final Optional<Manifest.InitFrom> initFrom;
    private final LeaseKeeper leaseKeeper;
    private final UploadSession session;
    private final CheckpointWriter writer;
    private final RunRetention retention;
    private final SavePipeline pipeline;
    private final RunCommits commits;
    private final SaveTimings timings = new SaveTimings();
    private final List<CheckpointListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<SaveKind> preparedKinds = EnumSet.noneOf(SaveKind.class);
    private final List<DamagedCheckpoint> skipped;
    private long lastSavedStep = -1;
    private boolean closed;

    private Checkpointer(CheckpointRepository repository, Model model, CheckpointerOptions options, String run, ResumePoint resumePoint,
            Optional<Manifest.InitFrom> initFrom, RunLease lease)
            throws IOException
    {
        this.initFrom = requireNonNull(initFrom, "initFrom is null");
        this.repository = requireNonNull(repository, "repository is null");
        this.model = requireNonNull(model, "model is null");
        this.options = requireNonNull(options, "options is null");
        this.run = requireNonNull(run, "run is null");
        this.resumedFrom = resumePoint.resumable();
        this.skipped = resumePoint.skipped();
        this.session = new UploadSession(options.lowerBackgroundPriority());
        session.distrust(resumePoint.distrusted());
        this.writer = new CheckpointWriter(model, repository.chunks(), session);
        this.retention = new RunRetention(run, options.retention(), repository.catalog(), repository.collector(), session, resumedFrom);
        this.pipeline = new SavePipeline(run, repository.store().location().toString(), options.maxInFlight(), options.maxSnapshotBytes(), options.lowerBackgroundPriority(), options.onSaveFailure(),
                (step, failure) -> listeners.forEach(listener -> listener.onFailed(step, failure)));
        this.leaseKeeper = new LeaseKeeper(lease, options.leaseTtl());
        this.commits = new RunCommits(run, repository.catalog(), lease, resumedFrom, retention, timings, listeners);
        resumedFrom.ifPresent(manifest -> lastSavedStep = manifest.step());
    }

    /**
     * Starts a new run in the repository.
     */
    public static Checkpointer startRun(CheckpointRepository repository, Model model, CheckpointerOptions options)
            throws IOException
    {
        return startRun(repository, model, options, Optional.empty());
    }

    /**
     * Starts a new run from another checkpoint's weights, as fine-tuning does: restores the parent's
     * model weights (of any kind of checkpoint; the model's optimizer state is its own, e.g. with frozen
     * layers) into the initialized model, and records the parent in every checkpoint of the new run
     * ({@link Manifest#initFrom()}). Chunks are shared repository-wide, so what the parent already
     * stored (an unchanged graph, frozen layers) costs the new run nothing.
     *
     * @throws ModelMismatchException naming a weight the model does not have, or has in another shape
     */
    public static Checkpointer startRunFrom(CheckpointRepository repository, Model model, CheckpointerOptions options, Manifest parent)
            throws IOException
    {
        requireNonNull(parent, "parent is null");
        repository.restoreWeights(parent, model);
        return startRun(repository, model, options, Optional.of(Manifest.InitFrom.of(parent)));
    }

    private static Checkpointer startRun(CheckpointRepository repository, Model model, CheckpointerOptions options, Optional<Manifest.InitFrom> initFrom)
            throws IOException
    {
        String run = RunIds.newRunId(options.clock().instant());
        RunLease lease = RunLease.acquire(repository.store(), run, options.leaseTtl(), options.clock());
        return withLease(lease, () -> new Checkpointer(repository, model, options, run, ResumePoint.NONE, initFrom, lease));
    }

    /**
     * Continues a run: the named one, else the newest. Restores the newest checkpoint that can resume
     * ({@code FULL} or {@code STATE}) into the initialized model; {@link #resumedFrom()} tells which.
     * With no run in the repository it starts a new one and {@code resumedFrom} is empty. A run with
     * no checkpoint yet continues from the start. A damaged checkpoint (its manifest unreadable, or a
     * chunk missing or damaged) is skipped for the next newest, logged at WARN and listed by
     * {@link #skipped()} ({@code ResumePoint}).
     *
     * @throws IllegalArgumentException if the named run does not exist, or has only WEIGHTS checkpoints
     * @throws CorruptCheckpointException if the run has checkpoints, every one of them damaged
     */
    public static Checkpointer resumeRun(CheckpointRepository repository, Model model, CheckpointerOptions options, Optional<String> requestedRun)
            throws IOException
    {
        Optional<String> run = requestedRun.isPresent() ? requestedRun : repository.newestRun();
        if (run.isEmpty()) {
            return startRun(repository, model, options);
        }
        if (requestedRun.isPresent() && !repository.runs().contains(run.get())) {
            throw new IllegalArgumentException("Run " + run.get() + " does not exist in " + repository.store().location() + "; runs: " + repository.runs());
        }
        // the lease first: what the run holds can only change under it
        RunLease lease = RunLease.acquire(repository.store(), run.get(), options.leaseTtl(), options.clock());
        return withLease(lease, () -> {
            ResumePoint point = ResumePoint.restore(repository, run.get(), model);
            // a fine-tuned run stays one: its parent is in every checkpoint it wrote
            Optional<Manifest.InitFrom> initFrom = point.checkpoints().stream().map(Manifest::initFrom).filter(parent -> parent != null).findFirst();
            return new Checkpointer(repository, model, options, run.get(), point, initFrom, lease);
        });
    }

    private interface LeasedOpen
    {
        Checkpointer open()
                throws IOException;
    }

    // a checkpointer that fails to open gives its lease back, so the run is not blocked until expiry
    private static Checkpointer withLease(RunLease lease, LeasedOpen open)
            throws IOException
    {
        try {
            return open.open();
        }
        catch (IOException | RuntimeException e) {
            try {
                lease.release();
            }
            catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public String run()
    {
        return run;
    }

    /**
     * The checkpoint this run resumed from, if it resumed.
     */
    public Optional<Manifest> resumedFrom()
    {
        return resumedFrom;
    }

    /**
     * The damaged checkpoints a resume passed over to reach {@link #resumedFrom()}, newest first: a
     * manifest that does not parse, or a checkpoint whose restore found a chunk missing or damaged.
     * Saving those steps again commits them afresh (a damaged manifest is moved aside first).
     */
    public List<DamagedCheckpoint> skipped()
    {
        return skipped;
    }

    /**
     * The checkpoint whose weights this run started from, if it was started from one.
     */
    public Optional<Manifest.InitFrom> initFrom()
    {
        return initFrom;
    }

    public Optional<TrainerState> resumeState()
    {
        return resumedFrom.map(Manifest::trainerState);
    }

    public CheckpointRepository repository()
    {
        return repository;
    }

    public void addListener(CheckpointListener listener)
    {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /**
     * Does the one-time work of a save kind before training starts: a {@code FULL} save needs the
     * graph's SavedModel template, exported once from the live session, and every kind warms up TF's
     * snapshot executor (built per fetch set on first use) off the clock, rather than in the first
     * save's stall.
     */
    public void prepare(SaveKind kind)
    {
        checkOpen();
        if (kind == SaveKind.FULL) {
            writer.prepareSavedModel();
        }
        if (preparedKinds.add(kind)) {
            model.snapshot(kind.variables()).close();
        }
    }

    /**
     * Saves a checkpoint at {@code state.step()}. Blocks the caller only for the snapshot (and, when
     * the in-flight bounds are reached, until a slot frees). A step that was already saved in this run
     * is skipped.
     *
     * @throws CheckpointException if an earlier background save failed
     */
    public void save(SaveKind kind, TrainerState state, Map<String, Double> metrics)
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(state, "state is null");
        requireNonNull(metrics, "metrics is null");
        checkOpen();
        pipeline.throwIfFailed();
        if (state.step() <= lastSavedStep) {
            return;
        }
        long started = System.nanoTime();
        prepare(kind);
        Map<String, Double> savedMetrics = new TreeMap<>(metrics);
        long bytes = model.variables().stream().filter(kind.variables()).mapToLong(ModelVariable::byteSize).sum();
        SavePipeline.Slot slot = pipeline.acquire(bytes);
        long admitted = System.nanoTime();
        ModelSnapshot snapshot;
        try {
            snapshot = model.snapshot(kind.variables());
        }
        catch (RuntimeException e) {
            slot.release();
            throw e;
        }
        timings.snapshotTook(admitted);
        log.debug("Step {}: waited {} us for a save slot, snapshot took {} us", state.step(), (admitted - started) / 1000, (System.nanoTime() - admitted) / 1000);
        lastSavedStep = state.step();
        String createdAt = options.clock().instant().toString();
        try {
            pipeline.submit(state.step(), slot, running -> {
                SaveCost cost = SaveCost.start(session);
                long written = session.bytesWritten();
                Manifest manifest = writer.write(run, initFrom, kind, state, savedMetrics, createdAt, snapshot, running::releaseMemory);
                commits.commit(manifest, session.bytesWritten() - written, cost);
            }, options.sync());
        }
        catch (IllegalStateException e) {
            snapshot.close();
            throw e;
        }
        finally {
            timings.stalled(started);
        }
    }

    /**
     * Throws the first failed save's error if failures stop the run ({@link OnSaveFailure#STOP}); the
     * checkpoint callback asks after every step.
     */
    public void checkSaves()
    {
        pipeline.throwIfFailed();
    }

    /**
     * Background saves of this checkpointer that failed so far.
     */
    public int failedSaves()
    {
        return pipeline.failures();
    }

    /**
     * Waits until every save so far is committed (or failed).
     *
     * @throws CheckpointException if a save failed
     */
    public void awaitPending()
    {
        pipeline.awaitPending();
    }

    /**
     * Steps this checkpointer committed, in order.
     */
    public List<Long> committedSteps()
    {
        return timings.committed().stream().map(CommittedSave::step).toList();
    }

    /**
     * The saves this checkpointer committed, in order, with the bytes each added to the repository.
     */
    public List<CommittedSave> committedSaves()
    {
        return timings.committed();
    }

    /**
     * The run's checkpoints that exist now.
     */
    public List<Long> retainedSteps()
            throws IOException
    {
        return repository.checkpoints(run).stream().map(Manifest::step).toList();
    }

    /**
     * Milliseconds the calling thread spent in each {@link #save}.
     */
    public List<Double> stallMillis()
    {
        return timings.stallMillis();
    }

    /**
     * Milliseconds each {@link #save} spent taking the snapshot itself; the rest of its stall was waiting
     * for a free save slot (the in-flight bounds).
     */
    public List<Double> snapshotMillis()
    {
        return timings.snapshotMillis();
    }

    /**
     * Waits for pending saves, releases the run's lease and frees native resources.
     *
     * @throws CheckpointException if a save failed
     */
    @Override
    public void close()
    {
        if (closed) {
            return;
        }
        closed = true;
        try {
            awaitPending();
        }
        finally {
            boolean stopped = pipeline.shutdown();
            leaseKeeper.stop(stopped);
            if (stopped) {
                writer.close();
            }
            else {
                // a save is still running on the side session: freeing it now would crash the JVM; the lease
                // lapses on its own and the save's scratch space stays behind
                log.warn("A save of run {} is still running; leaving its resources and letting the lease expire", run);
            }
        }
    }

    private void checkOpen()
    {
        if (closed) {
            throw new IllegalStateException("Checkpointer of run " + run + " is closed");
        }
    }
}
