package io.cairn.core.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.core.model.Model;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.model.TensorTypes;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.train.TrainerState;
import org.tensorflow.Tensor;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * A checkpoint repository on a {@link CheckpointStore}: content-addressed chunks, manifests as
 * commits, runs. Everything above the store SPI (chunking, dedupe, manifests, verification, garbage
 * collection) lives here once for every backend.
 *
 * <p>Thread-safe. Manifests are immutable once committed, so parsed ones are cached by key. The
 * repository owns its store: {@link #close()} closes it.
 */
public final class CheckpointRepository
        implements AutoCloseable
{
    private final CheckpointStore store;
    private final RepositoryDescriptor descriptor;
    private final ExecutorService transfers;
    private final int uploadThreads;
    // chunks in flight at once, each direction: enough to keep every transfer thread busy, at most ~128 MiB
    private final int window;
    private final Map<String, Manifest> manifestCache = new ConcurrentHashMap<>();
    // chunks this repository wrote or saw present: unchanged layers cost no request after their first save
    private final Set<String> knownChunks = ConcurrentHashMap.newKeySet();
    // until the run's live chunks are known, ask the store whether a chunk exists before writing it
    private volatile boolean askBeforeWriting = true;

    private static final int WINDOW_BYTES = 128 << 20;

    private CheckpointRepository(CheckpointStore store, RepositoryDescriptor descriptor, int uploadThreads)
    {
        this.store = requireNonNull(store, "store is null");
        this.descriptor = requireNonNull(descriptor, "descriptor is null");
        this.uploadThreads = uploadThreads;
        this.window = Math.max(1, Math.min(2 * uploadThreads, WINDOW_BYTES / descriptor.chunkSize()));
        AtomicInteger counter = new AtomicInteger();
        this.transfers = Executors.newFixedThreadPool(uploadThreads, runnable -> {
            Thread thread = new Thread(runnable, "cairn-transfer-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens the repository at the store's root, creating {@code cairn-repository.json} with the given
     * chunk size if the store has none (an existing repository keeps its own chunk size).
     */
    public static CheckpointRepository create(CheckpointStore store, int chunkSize, int uploadThreads)
            throws IOException
    {
        RepositoryDescriptor.checkChunkSize(chunkSize);
        if (uploadThreads < 1 || uploadThreads > 64) {
            throw new IllegalArgumentException("Upload threads must be from 1 to 64, got " + uploadThreads);
        }
        if (!store.exists(RepositoryLayout.DESCRIPTOR)) {
            RepositoryDescriptor fresh = new RepositoryDescriptor(RepositoryDescriptor.FORMAT_VERSION, chunkSize, RepositoryDescriptor.SHA_256);
            try {
                store.createIfAbsent(RepositoryLayout.DESCRIPTOR, ManifestCodec.MAPPER.writeValueAsBytes(fresh));
            }
            catch (FileAlreadyExistsException e) {
                // another writer created it first; use theirs
            }
        }
        return new CheckpointRepository(store, readDescriptor(store), uploadThreads);
    }

    public static CheckpointRepository create(CheckpointStore store)
            throws IOException
    {
        return create(store, RepositoryDescriptor.DEFAULT_CHUNK_SIZE, 4);
    }

    /**
     * Opens an existing repository; fails naming the store when it holds none.
     */
    public static CheckpointRepository open(CheckpointStore store)
            throws IOException
    {
        if (!store.exists(RepositoryLayout.DESCRIPTOR)) {
            throw new FileNotFoundException("No Cairn repository at " + store.location() + " (no " + RepositoryLayout.DESCRIPTOR + "); check --store, or train into it first");
        }
        return new CheckpointRepository(store, readDescriptor(store), 4);
    }

    private static RepositoryDescriptor readDescriptor(CheckpointStore store)
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

    public CheckpointStore store()
    {
        return store;
    }

    public int chunkSize()
    {
        return descriptor.chunkSize();
    }

    /**
     * Run ids in the repository, oldest first (ids start with their creation time).
     */
    public List<String> runs()
            throws IOException
    {
        Set<String> runs = new TreeSet<>();
        for (String key : store.list(RepositoryLayout.RUNS)) {
            RepositoryLayout.runOf(key).ifPresent(runs::add);
        }
        return List.copyOf(runs);
    }

    public Optional<String> newestRun()
            throws IOException
    {
        List<String> runs = runs();
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
    }

    /**
     * The committed checkpoints of a run, by step.
     */
    public List<Manifest> checkpoints(String run)
            throws IOException
    {
        List<Manifest> manifests = new ArrayList<>();
        for (String key : store.list(RepositoryLayout.checkpointsPrefix(run))) {
            if (RepositoryLayout.manifestStep(run, key).isPresent()) {
                try {
                    manifests.add(manifest(key));
                }
                catch (FileNotFoundException e) {
                    // deleted by retention between the listing and the read: not a checkpoint any more
                }
            }
        }
        manifests.sort(Comparator.comparingLong(Manifest::step));
        return manifests;
    }

    /**
     * Every committed checkpoint, by run then step.
     */
    public List<Manifest> checkpoints()
            throws IOException
    {
        List<Manifest> all = new ArrayList<>();
        for (String run : runs()) {
            all.addAll(checkpoints(run));
        }
        return all;
    }

    public Manifest checkpoint(String run, long step)
            throws IOException
    {
        String key = RepositoryLayout.manifestKey(run, step);
        try {
            return manifest(key);
        }
        catch (FileNotFoundException e) {
            throw new FileNotFoundException("Run " + run + " has no checkpoint at step " + step + " in " + store.location());
        }
    }

    public Optional<Manifest> latest(String run)
            throws IOException
    {
        List<Manifest> manifests = checkpoints(run);
        return manifests.isEmpty() ? Optional.empty() : Optional.of(manifests.get(manifests.size() - 1));
    }

    /**
     * The run's checkpoint with the best value of a metric (the newer one on a tie), if any has it.
     */
    public Optional<Manifest> best(String run, String metric, MetricMode mode)
            throws IOException
    {
        Set<Long> best = RetentionPolicy.keepBest(1, metric, mode).keep(checkpoints(run));
        return checkpoints(run).stream().filter(manifest -> best.contains(manifest.step())).findFirst();
    }

    private Manifest manifest(String key)
            throws IOException
    {
        Manifest cached = manifestCache.get(key);
        if (cached != null) {
            return cached;
        }
        Manifest manifest = ManifestCodec.read(store.readAllBytes(key), key);
        manifestCache.put(key, manifest);
        return manifest;
    }

    /**
     * Cuts a file into chunks, hashes them, and uploads in parallel the chunks the repository does not
     * hold yet.
     */
    public Manifest.FileEntry putFile(String path, Path file)
            throws IOException
    {
        try (InputStream in = Files.newInputStream(file)) {
            return putFile(path, in);
        }
    }

    public Manifest.FileEntry putFile(String path, byte[] data)
            throws IOException
    {
        return putFile(path, new ByteArrayInputStream(data));
    }

    private Manifest.FileEntry putFile(String path, InputStream in)
            throws IOException
    {
        // the whole-file hash is sequential and stays here; chunk hashes and uploads run on the upload threads
        MessageDigest whole = sha256();
        List<Future<String>> chunks = new ArrayList<>();
        // bounds the chunk buffers held in memory while they hash and upload
        Semaphore buffers = new Semaphore(window);
        long size = 0;
        try {
            while (true) {
                byte[] chunk = in.readNBytes(descriptor.chunkSize());
                if (chunk.length == 0) {
                    break;
                }
                size += chunk.length;
                whole.update(chunk);
                acquire(buffers);
                chunks.add(transfers.submit(() -> {
                    try {
                        String hash = RepositoryLayout.hex(sha256().digest(chunk));
                        uploadChunk(hash, chunk);
                        return hash;
                    }
                    finally {
                        buffers.release();
                    }
                }));
                if (chunk.length < descriptor.chunkSize()) {
                    break;
                }
            }
            List<String> hashes = new ArrayList<>(chunks.size());
            for (Future<String> chunk : chunks) {
                hashes.add(chunk.get());
            }
            return new Manifest.FileEntry(path, size, RepositoryLayout.hex(whole.digest()), List.copyOf(hashes));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while uploading " + path, e);
        }
        catch (CancellationException | RejectedExecutionException e) {
            throw closed("uploading " + path, e);
        }
        catch (ExecutionException e) {
            chunks.forEach(future -> future.cancel(false));
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof IOException io) {
                throw new IOException("Cannot upload a chunk of " + path + " to " + store.location() + ": " + io.getMessage(), io);
            }
            throw new IOException("Cannot upload a chunk of " + path + " to " + store.location(), cause);
        }
    }

    /**
     * Skips a chunk the run's live checkpoints hold. Any other chunk is, on a run's first save, looked
     * up first (it may come from another run or an earlier session); on later saves it is almost surely
     * new (a weight that changed), so it is written without the lookup, which saves a request per chunk
     * on S3. Writing a chunk that does exist rewrites the same bytes under the same name.
     */
    private void uploadChunk(String hash, byte[] chunk)
            throws IOException
    {
        if (knownChunks.contains(hash)) {
            return;
        }
        String key = RepositoryLayout.chunkKey(hash);
        if (!askBeforeWriting || !store.exists(key)) {
            store.write(key, new ByteArrayInputStream(chunk), chunk.length);
        }
        knownChunks.add(hash);
    }

    /**
     * Commits a checkpoint: creates its manifest if absent. After this returns the checkpoint exists;
     * if it throws, it does not.
     *
     * @throws FileAlreadyExistsException if the run already has a checkpoint at that step
     */
    public void commit(Manifest manifest)
            throws IOException
    {
        String key = RepositoryLayout.manifestKey(manifest.run(), manifest.step());
        byte[] json = ManifestCodec.write(manifest);
        ManifestCodec.validate(manifest, key);
        try {
            store.createIfAbsent(key, json);
        }
        catch (FileAlreadyExistsException e) {
            // a retried request whose first attempt succeeded finds its own manifest: that is a commit
            if (!Arrays.equals(readIfPresent(key), json)) {
                throw new FileAlreadyExistsException(key, null, "Run " + manifest.run() + " already has a checkpoint at step " + manifest.step());
            }
        }
        manifestCache.put(key, manifest);
    }

    private byte[] readIfPresent(String key)
            throws IOException
    {
        try {
            return store.readAllBytes(key);
        }
        catch (FileNotFoundException e) {
            return null;
        }
    }

    /**
     * From now on, skip uploading exactly the chunks these checkpoints reference (they are committed and
     * only their own run's retention deletes them); forget every other chunk, and write unknown chunks
     * without looking them up first.
     */
    /**
     * A run starts writing: forget what an earlier run on this repository knew, and look chunks up
     * again until this run's first save is done.
     */
    void beginRun()
    {
        knownChunks.clear();
        askBeforeWriting = true;
    }

    void trustChunksOf(List<Manifest> live)
    {
        Set<String> chunks = new HashSet<>();
        live.forEach(manifest -> manifest.files().forEach(file -> chunks.addAll(file.chunks())));
        knownChunks.retainAll(chunks);
        knownChunks.addAll(chunks);
        askBeforeWriting = false;
    }

    /**
     * Streams a checkpoint file, verifying every chunk's hash and the whole file's. Chunks are fetched
     * and hashed ahead on the transfer threads, a bounded window of them at a time, and written in
     * order.
     *
     * @throws CorruptCheckpointException naming the file and chunk on a mismatch or a missing chunk
     */
    public void readFile(Manifest manifest, Manifest.FileEntry file, OutputStream out)
            throws IOException
    {
        MessageDigest whole = sha256();
        List<String> hashes = file.chunks();
        Deque<Future<byte[]>> ahead = new ArrayDeque<>();
        int requested = 0;
        long remaining = file.size();
        try {
            for (int i = 0; i < hashes.size(); i++) {
                while (requested < hashes.size() && requested < i + window) {
                    int index = requested++;
                    ahead.add(transfers.submit(() -> readChunk(manifest, file, index)));
                }
                // taken off only once done, so a failure or an interrupt cancels it with the rest
                byte[] chunk = ahead.peek().get();
                ahead.remove();
                long expectedSize = Math.min(remaining, manifest.chunkSize());
                if (chunk.length != expectedSize) {
                    throw new CorruptCheckpointException("Chunk " + hashes.get(i) + " (chunk " + i + " of " + file.path() + " in " + describe(manifest)
                            + ") has " + chunk.length + " bytes, expected " + expectedSize);
                }
                whole.update(chunk);
                out.write(chunk);
                remaining -= chunk.length;
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading " + file.path() + " of " + describe(manifest), e);
        }
        catch (CancellationException | RejectedExecutionException e) {
            throw closed("reading " + file.path() + " of " + describe(manifest), e);
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("Cannot read " + file.path() + " of " + describe(manifest), cause);
        }
        finally {
            ahead.forEach(future -> future.cancel(false));
        }
        String actual = RepositoryLayout.hex(whole.digest());
        if (!actual.equals(file.sha256())) {
            throw new CorruptCheckpointException("File " + file.path() + " in " + describe(manifest) + " hashes to " + actual + ", expected " + file.sha256());
        }
    }

    private byte[] readChunk(Manifest manifest, Manifest.FileEntry file, int index)
            throws IOException
    {
        String hash = file.chunks().get(index);
        byte[] chunk;
        try {
            chunk = store.readAllBytes(RepositoryLayout.chunkKey(hash));
        }
        catch (FileNotFoundException e) {
            throw new CorruptCheckpointException("Chunk " + hash + " (chunk " + index + " of " + file.path() + " in " + describe(manifest) + ") is missing from " + store.location(), e);
        }
        String actual = RepositoryLayout.hex(sha256().digest(chunk));
        if (!actual.equals(hash)) {
            throw new CorruptCheckpointException("Chunk " + hash + " (chunk " + index + " of " + file.path() + " in " + describe(manifest) + ") is damaged: its content hashes to " + actual);
        }
        return chunk;
    }

    /**
     * Writes every file of the checkpoint, verified, under a local directory; adds
     * {@code trainer-state.json} when the checkpoint has trainer state.
     */
    public void materialize(Manifest manifest, Path directory)
            throws IOException
    {
        for (Manifest.FileEntry file : manifest.files()) {
            Path target = resolveInside(directory, file.path());
            Files.createDirectories(target.getParent());
            try (OutputStream out = Files.newOutputStream(target)) {
                readFile(manifest, file, out);
            }
        }
        if (manifest.trainerState() != null) {
            Files.write(directory.resolve(CheckpointFiles.TRAINER_STATE), trainerStateJson(manifest.trainerState()));
        }
    }

    /**
     * Copies a checkpoint as plain files (a SavedModel directory or TF checkpoint files) into another
     * store, under a prefix ("" for its root). Files are verified while read.
     */
    public List<String> export(Manifest manifest, CheckpointStore target, String prefix)
            throws IOException
    {
        List<String> written = new ArrayList<>();
        Path scratch = Files.createTempDirectory("cairn-export-");
        try {
            materialize(manifest, scratch);
            try (var walk = Files.walk(scratch)) {
                for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                    String key = prefix + scratch.relativize(file).toString().replace('\\', '/');
                    try (InputStream in = Files.newInputStream(file)) {
                        target.write(key, in, Files.size(file));
                    }
                    written.add(key);
                }
            }
        }
        finally {
            FileTrees.deleteQuietly(scratch);
        }
        return written;
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
        checkMatches(manifest, model);
        Path scratch = Files.createTempDirectory("cairn-restore-");
        try {
            for (Manifest.FileEntry file : manifest.files()) {
                if (CheckpointFiles.isVariablesFile(file.path())) {
                    Path target = resolveInside(scratch, file.path());
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        readFile(manifest, file, out);
                    }
                }
            }
            Map<String, Tensor> tensors = TfCheckpoints.read(scratch.resolve(CheckpointFiles.VARIABLES_PREFIX), manifest.variables());
            try {
                model.assign(tensors);
            }
            finally {
                tensors.values().forEach(Tensor::close);
            }
        }
        finally {
            FileTrees.deleteQuietly(scratch);
        }
        return manifest.trainerStateIfPresent();
    }

    private static void checkMatches(Manifest manifest, Model model)
    {
        Map<String, Manifest.VariableEntry> stored = new LinkedHashMap<>();
        manifest.variables().forEach(variable -> stored.put(variable.name(), variable));
        for (Manifest.VariableEntry variable : manifest.variables()) {
            ModelVariable target = model.variable(variable.name()).orElseThrow(() -> new ModelMismatchException(
                    "Checkpoint " + describe(manifest) + " has variable " + variable.name() + " " + Arrays.toString(variable.shape())
                            + " that the model does not have; the model's variables are " + model.variables().stream().map(ModelVariable::name).toList()));
            if (!Arrays.equals(target.shape(), variable.shape()) || !TensorTypes.name(target.dataType()).equals(variable.dtype())) {
                throw new ModelMismatchException("Variable " + variable.name() + " has shape " + Arrays.toString(variable.shape()) + " " + variable.dtype()
                        + " in checkpoint " + describe(manifest) + " but " + target.shapeString() + " " + TensorTypes.name(target.dataType())
                        + " in the model; build the model with the code that wrote the checkpoint");
            }
        }
        for (ModelVariable variable : model.variables()) {
            if (manifest.kind().variables().test(variable) && !stored.containsKey(variable.name())) {
                throw new ModelMismatchException("Model variable " + variable.name() + " " + variable.shapeString() + " is not in checkpoint " + describe(manifest)
                        + "; build the model with the code that wrote the checkpoint");
            }
        }
    }

    /**
     * Re-reads and re-hashes every chunk of a checkpoint.
     *
     * @return the problems found, empty when the checkpoint is intact
     */
    public List<String> verify(Manifest manifest)
            throws IOException
    {
        List<String> problems = new ArrayList<>();
        for (Manifest.FileEntry file : manifest.files()) {
            try {
                readFile(manifest, file, OutputStream.nullOutputStream());
            }
            catch (CorruptCheckpointException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /**
     * Deletes checkpoints (manifests first, so none is ever visible with chunks missing), then the chunks
     * only they referenced.
     *
     * @return the number of chunks deleted
     */
    public int delete(List<Manifest> manifests)
            throws IOException
    {
        if (manifests.isEmpty()) {
            return 0;
        }
        List<String> keys = manifests.stream().map(manifest -> RepositoryLayout.manifestKey(manifest.run(), manifest.step())).toList();
        store.delete(keys);
        keys.forEach(manifestCache::remove);
        Set<String> candidates = new HashSet<>();
        manifests.forEach(manifest -> manifest.files().forEach(file -> candidates.addAll(file.chunks())));
        candidates.removeAll(referencedChunks());
        knownChunks.removeAll(candidates);
        store.delete(candidates.stream().map(RepositoryLayout::chunkKey).toList());
        return candidates.size();
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
        if (!force && !dryRun) {
            java.time.Instant now = java.time.Instant.now();
            for (String run : runs()) {
                Optional<RunLease.Holder> holder = RunLease.liveHolder(store, run, now);
                if (holder.isPresent()) {
                    throw new IllegalStateException("Run " + run + " is being written by " + holder.get().host() + " pid " + holder.get().pid()
                            + " (lease until " + holder.get().expiresAt() + "); a sweep now could delete chunks its next checkpoint needs. "
                            + "Run gc when training has stopped, or pass --force");
                }
            }
        }
        Set<String> referenced = referencedChunks();
        List<String> unreferenced = new ArrayList<>();
        long chunkCount = 0;
        for (String key : store.list(RepositoryLayout.CHUNKS)) {
            Optional<String> hash = RepositoryLayout.chunkHash(key);
            if (hash.isEmpty()) {
                continue;
            }
            chunkCount++;
            if (!referenced.contains(hash.get())) {
                unreferenced.add(key);
            }
        }
        if (!dryRun) {
            unreferenced.forEach(key -> RepositoryLayout.chunkHash(key).ifPresent(knownChunks::remove));
            store.delete(unreferenced);
        }
        return new GcResult(chunkCount, referenced.size(), unreferenced);
    }

    public record GcResult(long chunks, long referenced, List<String> unreferenced) {}

    private Set<String> referencedChunks()
            throws IOException
    {
        Set<String> referenced = new HashSet<>();
        for (Manifest manifest : checkpoints()) {
            manifest.files().forEach(file -> referenced.addAll(file.chunks()));
        }
        return referenced;
    }

    static byte[] trainerStateJson(TrainerState state)
    {
        try {
            return ManifestCodec.MAPPER.writeValueAsBytes(state);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String describe(Manifest manifest)
    {
        return "run " + manifest.run() + " step " + manifest.step();
    }

    private static Path resolveInside(Path directory, String relative)
    {
        Path target = directory.resolve(relative).normalize();
        if (!target.startsWith(directory.normalize())) {
            throw new CorruptCheckpointException("File path " + relative + " leaves the checkpoint directory");
        }
        return target;
    }

    static MessageDigest sha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits for a chunk buffer; gives up when the repository is closed, whose transfer threads would
     * never release one.
     */
    private void acquire(Semaphore buffers)
            throws InterruptedException, IOException
    {
        while (!buffers.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (transfers.isShutdown()) {
                throw new IOException("Repository " + store.location() + " was closed while a file was uploading");
            }
        }
    }

    private IOException closed(String action, RuntimeException cause)
    {
        return new IOException("Repository " + store.location() + " was closed while " + action, cause);
    }

    @Override
    public void close()
            throws IOException
    {
        // cancel what never started, so no reader or writer waits on it
        transfers.shutdownNow().forEach(task -> {
            if (task instanceof Future<?> future) {
                future.cancel(false);
            }
        });
        store.close();
    }
}
