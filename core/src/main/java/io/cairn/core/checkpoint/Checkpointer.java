package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.model.ModelSnapshot;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.model.TensorTypes;
import io.cairn.core.train.TrainerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Saves checkpoints of one run while it trains (DESIGN.md, "How one save flows").
 *
 * <ol>
 * <li>{@link #save} runs on the training thread: one {@code Session.run} of {@code tf.snapshot} of the
 * variables the kind needs. That memory copy is all training waits for.
 * <li>In the background, one save at a time in step order: a side session writes the snapshot in TF's
 * format, the files are cut into chunks, hashed, and the chunks the repository lacks are uploaded in
 * parallel.
 * <li>The manifest is created if absent: the commit. Then retention runs on committed manifests and
 * sweeps the chunks only deleted checkpoints referenced.
 * </ol>
 *
 * In-flight saves are bounded by count and snapshot memory. A failed background save is reported to
 * listeners and thrown by the next {@link #save}, {@link #awaitPending} or {@link #close}.
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
    private final RunLease lease;
    private final Manifest.ModelInfo modelInfo;
    private final Path scratch;
    private final ExecutorService pipeline;
    private final ScheduledExecutorService leaseRenewal;
    private final TfCheckpoints tfCheckpoints = new TfCheckpoints();
    private final Semaphore inFlight;
    private final Semaphore snapshotMemory;
    private final int snapshotMemoryPermits;
    private final List<CheckpointListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Long> committed = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> stallMillis = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> snapshotMillis = Collections.synchronizedList(new ArrayList<>());
    private final List<Future<?>> pending = new ArrayList<>();
    private volatile boolean newerThanResumeCommitted;
    private final Set<SaveKind> preparedKinds = java.util.EnumSet.noneOf(SaveKind.class);
    private SavedModelTemplate savedModelTemplate;
    private long lastSavedStep = -1;
    private boolean closed;

    private Checkpointer(CheckpointRepository repository, Model model, CheckpointerOptions options, String run, Optional<Manifest> resumedFrom, RunLease lease)
            throws IOException
    {
        this.repository = requireNonNull(repository, "repository is null");
        this.model = requireNonNull(model, "model is null");
        this.options = requireNonNull(options, "options is null");
        this.run = requireNonNull(run, "run is null");
        this.resumedFrom = requireNonNull(resumedFrom, "resumedFrom is null");
        this.lease = requireNonNull(lease, "lease is null");
        this.modelInfo = new Manifest.ModelInfo(model.description(), modelSignature(model));
        repository.beginRun();
        this.scratch = Files.createTempDirectory("cairn-save-");
        this.pipeline = Executors.newSingleThreadExecutor(daemon("cairn-save"));
        this.leaseRenewal = Executors.newSingleThreadScheduledExecutor(daemon("cairn-lease"));
        this.inFlight = new Semaphore(options.maxInFlight());
        this.snapshotMemoryPermits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.maxSnapshotBytes() >> 20));
        this.snapshotMemory = new Semaphore(snapshotMemoryPermits);
        resumedFrom.ifPresent(manifest -> lastSavedStep = manifest.step());
        long renewMillis = options.leaseTtl().toMillis() / 3;
        leaseRenewal.scheduleAtFixedRate(this::renewLease, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a new run in the repository.
     */
    public static Checkpointer startRun(CheckpointRepository repository, Model model, CheckpointerOptions options)
            throws IOException
    {
        String run = RunIds.newRunId(options.clock().instant());
        RunLease lease = RunLease.acquire(repository.store(), run, options.leaseTtl(), options.clock());
        return withLease(lease, () -> new Checkpointer(repository, model, options, run, Optional.empty(), lease));
    }

    /**
     * Continues a run: the named one, else the newest. Restores the newest checkpoint that can resume
     * ({@code FULL} or {@code STATE}) into the initialized model; {@link #resumedFrom()} tells which.
     * With no run in the repository it starts a new one and {@code resumedFrom} is empty. A run with
     * no checkpoint yet continues from the start.
     *
     * @throws IllegalArgumentException if the named run does not exist, or has only WEIGHTS checkpoints
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
            List<Manifest> checkpoints = repository.checkpoints(run.get());
            Optional<Manifest> resumable = checkpoints.stream().filter(manifest -> manifest.kind().resumable()).reduce((first, second) -> second);
            if (resumable.isEmpty() && !checkpoints.isEmpty()) {
                throw new IllegalArgumentException("Run " + run.get() + " has only WEIGHTS checkpoints, which cannot resume training exactly; "
                        + "train with --mode state or --mode full, or start a new run");
            }
            if (resumable.isPresent()) {
                repository.restore(resumable.get(), model);
            }
            return new Checkpointer(repository, model, options, run.get(), resumable, lease);
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
     * graph's SavedModel template, exported once from the live session.
     */
    public void prepare(SaveKind kind)
    {
        checkOpen();
        if (kind == SaveKind.FULL && savedModelTemplate == null) {
            savedModelTemplate = SavedModelTemplate.export(model, scratch);
        }
        if (preparedKinds.add(kind)) {
            // TF builds an executor per fetch set (and the side graph's save op) on first use: do it now, off
            // the clock, rather than in the first save's stall or as a slow first save that backs up the next
            ModelSnapshot warmUp = model.snapshot(kind.variables());
            submitWarmUp(kind, warmUp);
        }
    }

    private void submitWarmUp(SaveKind kind, ModelSnapshot warmUp)
    {
        try {
            pipeline.submit(() -> {
                Path directory = scratch.resolve("warm-up-" + kind);
                try (warmUp) {
                    Files.createDirectories(directory);
                    tfCheckpoints.write(warmUp, directory.resolve("variables"));
                }
                catch (IOException | RuntimeException e) {
                    log.debug("Warm-up write for {} saves failed: {}", kind, e.getMessage());
                }
                finally {
                    FileTrees.deleteQuietly(directory);
                }
            });
        }
        catch (java.util.concurrent.RejectedExecutionException e) {
            warmUp.close();
            throw new IllegalStateException("Checkpointer of run " + run + " is closed", e);
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
        throwIfFailed();
        if (state.step() <= lastSavedStep) {
            return;
        }
        long started = System.nanoTime();
        prepare(kind);
        Map<String, Double> savedMetrics = new TreeMap<>(metrics);
        long bytes = model.variables().stream().filter(kind.variables()).mapToLong(ModelVariable::byteSize).sum();
        int memoryPermits = (int) Math.min(snapshotMemoryPermits, Math.max(1, (bytes + (1 << 20) - 1) >> 20));
        inFlight.acquireUninterruptibly();
        snapshotMemory.acquireUninterruptibly(memoryPermits);
        long admitted = System.nanoTime();
        ModelSnapshot snapshot;
        try {
            snapshot = model.snapshot(kind.variables());
            snapshotMillis.add((System.nanoTime() - admitted) / 1e6);
            log.debug("Step {}: waited {} us for a save slot, snapshot took {} us", state.step(), (admitted - started) / 1000, (System.nanoTime() - admitted) / 1000);
        }
        catch (RuntimeException e) {
            release(memoryPermits);
            throw e;
        }
        lastSavedStep = state.step();
        SaveJob job = new SaveJob(kind, state, savedMetrics, snapshot, options.clock().instant().toString(), memoryPermits);
        if (options.sync()) {
            // on the save thread all the same: TfCheckpoints is used from that one thread only
            try {
                pipeline.submit(job).get();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CheckpointException("Interrupted while saving step " + state.step(), e);
            }
            catch (java.util.concurrent.ExecutionException e) {
                failure.compareAndSet(null, e.getCause());
            }
            stallMillis.add((System.nanoTime() - started) / 1e6);
            throwIfFailed();
            return;
        }
        synchronized (pending) {
            pending.removeIf(Future::isDone);
            pending.add(pipeline.submit(job));
        }
        stallMillis.add((System.nanoTime() - started) / 1e6);
    }

    /**
     * Waits until every save so far is committed (or failed).
     *
     * @throws CheckpointException if a save failed
     */
    public void awaitPending()
    {
        List<Future<?>> waiting;
        synchronized (pending) {
            waiting = new ArrayList<>(pending);
        }
        for (Future<?> future : waiting) {
            try {
                future.get();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CheckpointException("Interrupted while waiting for pending saves", e);
            }
            catch (java.util.concurrent.ExecutionException e) {
                failure.compareAndSet(null, e.getCause());
            }
        }
        throwIfFailed();
    }

    /**
     * Steps this checkpointer committed, in order.
     */
    public List<Long> committedSteps()
    {
        synchronized (committed) {
            return List.copyOf(committed);
        }
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
        synchronized (stallMillis) {
            return List.copyOf(stallMillis);
        }
    }

    /**
     * Milliseconds each {@link #save} spent taking the snapshot itself; the rest of its stall was waiting
     * for a free save slot (the in-flight bounds).
     */
    public List<Double> snapshotMillis()
    {
        synchronized (snapshotMillis) {
            return List.copyOf(snapshotMillis);
        }
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
            pipeline.shutdown();
            // let a renewal in flight finish: interrupting it could leave a half-written lease temp file
            leaseRenewal.shutdown();
            boolean stopped = false;
            try {
                stopped = pipeline.awaitTermination(1, TimeUnit.MINUTES);
                if (!leaseRenewal.awaitTermination(1, TimeUnit.MINUTES)) {
                    leaseRenewal.shutdownNow();
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (stopped) {
                releaseLease();
                tfCheckpoints.close();
                FileTrees.deleteQuietly(scratch);
            }
            else {
                // a save is still running on the side session: freeing it now would crash the JVM; the lease
                // lapses on its own and the save's scratch space stays behind
                log.warn("A save of run {} is still running; leaving its resources and letting the lease expire", run);
            }
        }
    }

    private void releaseLease()
    {
        try {
            lease.release();
        }
        catch (IOException e) {
            log.warn("Cannot release the lease of run {}: {}", run, e.getMessage());
        }
    }

    private void renewLease()
    {
        try {
            lease.renew();
        }
        catch (IOException | RuntimeException e) {
            log.warn("Cannot renew the lease of run {}: {}", run, e.getMessage());
        }
    }

    private void release(int memoryPermits)
    {
        snapshotMemory.release(memoryPermits);
        inFlight.release();
    }

    private void checkOpen()
    {
        if (closed) {
            throw new IllegalStateException("Checkpointer of run " + run + " is closed");
        }
    }

    private void throwIfFailed()
    {
        Throwable cause = failure.get();
        if (cause != null) {
            throw new CheckpointException("A background save of run " + run + " failed: " + cause.getMessage(), cause);
        }
    }

    private final class SaveJob
            implements Runnable
    {
        private final SaveKind kind;
        private final TrainerState state;
        private final Map<String, Double> metrics;
        private final ModelSnapshot snapshot;
        private final String createdAt;
        private final int memoryPermits;

        SaveJob(SaveKind kind, TrainerState state, Map<String, Double> metrics, ModelSnapshot snapshot, String createdAt, int memoryPermits)
        {
            this.kind = kind;
            this.state = state;
            this.metrics = metrics;
            this.snapshot = snapshot;
            this.createdAt = createdAt;
            this.memoryPermits = memoryPermits;
        }

        @Override
        public void run()
        {
            Path directory = scratch.resolve("step-" + state.step());
            boolean snapshotClosed = false;
            try {
                long started = System.nanoTime();
                Path prefix = directory.resolve(CheckpointFiles.VARIABLES_PREFIX);
                Files.createDirectories(prefix.getParent());
                tfCheckpoints.write(snapshot, prefix);
                long tfWritten = System.nanoTime();
                List<ModelVariable> variables = snapshot.variables();
                snapshot.close();
                snapshotClosed = true;
                snapshotMemory.release(memoryPermits);

                List<Manifest.FileEntry> files = new ArrayList<>();
                if (kind == SaveKind.FULL) {
                    for (Map.Entry<String, byte[]> file : savedModelTemplate.files().entrySet()) {
                        files.add(repository.putFile(file.getKey(), file.getValue()));
                    }
                }
                try (Stream<Path> written = Files.list(prefix.getParent())) {
                    for (Path file : written.sorted().toList()) {
                        files.add(repository.putFile(CheckpointFiles.VARIABLES_DIRECTORY + file.getFileName(), file));
                    }
                }
                long uploaded = System.nanoTime();
                Manifest manifest = new Manifest(
                        Manifest.FORMAT_VERSION,
                        run,
                        state.step(),
                        state.epoch(),
                        kind,
                        createdAt,
                        metrics,
                        modelInfo,
                        repository.chunkSize(),
                        files,
                        variables.stream().map(Checkpointer::entry).toList(),
                        kind.resumable() ? state : null);
                if (!lease.valid()) {
                    throw new CheckpointException("Lost the lease of run " + run + " (another writer took it over, or it could not be renewed); step " + state.step() + " was not committed");
                }
                try {
                    repository.commit(manifest);
                }
                catch (FileAlreadyExistsException e) {
                    Manifest existing = repository.checkpoint(run, state.step());
                    if (resumedFrom.isEmpty() || state.step() <= resumedFrom.get().step() || !sameContent(existing, manifest)) {
                        throw new FileAlreadyExistsException(e.getFile(), null, "Run " + run + " already has a different checkpoint at step " + state.step()
                                + " (" + existing.kind() + "); resume from its newest checkpoint or start a new run");
                    }
                    // an earlier attempt of this run committed the same checkpoint: training is deterministic
                    log.info("Run {} already has step {}; keeping the committed checkpoint", run, state.step());
                    return;
                }
                committed.add(state.step());
                if (resumedFrom.isEmpty() || state.step() > resumedFrom.get().step()) {
                    newerThanResumeCommitted = true;
                }
                long commitDone = System.nanoTime();
                listeners.forEach(listener -> listener.onCommitted(manifest));
                try {
                    applyRetention();
                }
                catch (IOException | RuntimeException e) {
                    // the checkpoint is committed; what retention could not delete now it deletes after the next save
                    log.warn("Retention of run {} after step {} failed: {}", run, state.step(), e.getMessage());
                }
                log.debug("Run {} step {}: TF write {} ms, chunk and upload {} ms, commit {} ms, retention {} ms", run, state.step(),
                        (tfWritten - started) / 1_000_000, (uploaded - tfWritten) / 1_000_000, (commitDone - uploaded) / 1_000_000, (System.nanoTime() - commitDone) / 1_000_000);
            }
            catch (Throwable t) {
                failure.compareAndSet(null, t);
                log.error("Save of run {} step {} failed: {}", run, state.step(), t.getMessage());
                listeners.forEach(listener -> listener.onFailed(state.step(), t));
            }
            finally {
                if (!snapshotClosed) {
                    snapshot.close();
                    snapshotMemory.release(memoryPermits);
                }
                inFlight.release();
                FileTrees.deleteQuietly(directory);
            }
        }
    }

    private void applyRetention()
            throws IOException
    {
        List<Manifest> checkpoints = repository.checkpoints(run);
        Set<Long> keep = new java.util.HashSet<>(options.retention().keep(checkpoints));
        // whatever the rules say, the newest checkpoint stays: retention never leaves a run with nothing to resume from
        checkpoints.stream().mapToLong(Manifest::step).max().ifPresent(keep::add);
        // the checkpoint a run resumed from stays until a newer one is committed
        if (resumedFrom.isPresent() && !newerThanResumeCommitted) {
            keep.add(resumedFrom.get().step());
        }
        List<Manifest> doomed = checkpoints.stream().filter(manifest -> !keep.contains(manifest.step())).toList();
        if (!doomed.isEmpty()) {
            repository.delete(doomed);
            List<Long> steps = doomed.stream().map(Manifest::step).toList();
            listeners.forEach(listener -> listener.onDeleted(steps));
        }
        // only chunks this run's live checkpoints reference are safe to skip on upload: no sweep deletes them
        repository.trustChunksOf(checkpoints.stream().filter(manifest -> keep.contains(manifest.step())).toList());
    }

    private static boolean sameContent(Manifest existing, Manifest manifest)
    {
        return existing.kind() == manifest.kind()
                && existing.files().stream().map(file -> file.path() + ":" + file.sha256()).toList()
                        .equals(manifest.files().stream().map(file -> file.path() + ":" + file.sha256()).toList());
    }

    private static Manifest.VariableEntry entry(ModelVariable variable)
    {
        return new Manifest.VariableEntry(variable.name(), TensorTypes.name(variable.dataType()), variable.shape(), variable.role().jsonName());
    }

    static String modelSignature(Model model)
    {
        var digest = CheckpointRepository.sha256();
        for (ModelVariable variable : model.variables()) {
            digest.update((variable.name() + ":" + TensorTypes.name(variable.dataType()) + ":" + variable.shapeString() + ":" + variable.role().jsonName() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return RepositoryLayout.hex(digest.digest());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name)
    {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
