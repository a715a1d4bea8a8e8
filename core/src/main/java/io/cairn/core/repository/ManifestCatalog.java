package io.cairn.core.repository;

import io.cairn.core.checkpoint.CheckpointException;
import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.DamagedCheckpoint;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.store.CheckpointStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The committed checkpoints of a repository: listing runs and their manifests, a cache of parsed
 * manifests, and the commit protocol. A checkpoint exists exactly when its manifest does, and
 * {@link #commit} is the one place a manifest is created.
 *
 * <p>Thread-safe. Manifests are immutable once committed, so parsed ones are cached by key.
 */
public final class ManifestCatalog
{
    private final CheckpointStore store;
    private static final Logger log = LoggerFactory.getLogger(ManifestCatalog.class);

    private final Map<String, Manifest> cache = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public ManifestCatalog(CheckpointStore store)
    {
        this.store = requireNonNull(store, "store is null");
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
     * A run's manifests as listed: the intact ones by step, and the damaged ones (a manifest that does
     * not parse or validate) by step, each with its reason.
     */
    public record Scan(List<Manifest> intact, List<DamagedCheckpoint> damaged) {}

    /**
     * The committed checkpoints of a run, by step. A damaged manifest is left out (one WARN line per
     * manifest): one damaged object must not hide the others; {@link #scan} names it.
     */
    public List<Manifest> checkpoints(String run)
            throws IOException
    {
        Scan scan = scan(run);
        for (DamagedCheckpoint damaged : scan.damaged()) {
            if (warned.add(damaged.key())) {
                log.warn("Skipping damaged checkpoint of run {} at step {}: {}", damaged.run(), damaged.step(), damaged.reason());
            }
        }
        return scan.intact();
    }

    public Scan scan(String run)
            throws IOException
    {
        List<Manifest> manifests = new ArrayList<>();
        List<DamagedCheckpoint> damaged = new ArrayList<>();
        for (String key : store.list(RepositoryLayout.checkpointsPrefix(run))) {
            Optional<Long> step = RepositoryLayout.manifestStep(run, key);
            if (step.isPresent()) {
                try {
                    manifests.add(manifest(key));
                }
                catch (FileNotFoundException e) {
                    // deleted by retention between the listing and the read: not a checkpoint any more
                }
                catch (CorruptCheckpointException e) {
                    damaged.add(new DamagedCheckpoint(run, step.get(), key, e.getMessage()));
                }
            }
        }
        manifests.sort(Comparator.comparingLong(Manifest::step));
        damaged.sort(Comparator.comparingLong(DamagedCheckpoint::step));
        return new Scan(List.copyOf(manifests), List.copyOf(damaged));
    }

    /**
     * Every damaged manifest, by run then step.
     */
    public List<DamagedCheckpoint> damaged()
            throws IOException
    {
        List<DamagedCheckpoint> all = new ArrayList<>();
        for (String run : runs()) {
            all.addAll(scan(run).damaged());
        }
        return all;
    }

    /**
     * The keys of the run's quarantined manifests (well-formed ones only), oldest step first.
     */
    public List<String> quarantined(String run)
            throws IOException
    {
        return store.list(RepositoryLayout.quarantinePrefix(run)).stream()
                .filter(key -> RepositoryLayout.quarantinedStep(run, key).isPresent())
                .sorted()
                .toList();
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
     * Every chunk a committed manifest references.
     */
    public Set<String> referencedChunks()
            throws IOException
    {
        Set<String> referenced = new HashSet<>();
        for (Manifest manifest : checkpoints()) {
            manifest.files().forEach(file -> referenced.addAll(file.chunks()));
        }
        return referenced;
    }

    /**
     * Commits a checkpoint: creates its manifest if absent, under the run's lease. After this returns
     * the checkpoint exists; if it throws, it does not (a failed write is read back: one whose answer was
     * lost but whose manifest landed is a commit).
     *
     * @return the bytes of manifest written: 0 when a retried request found its own manifest
     * @throws CheckpointException if the lease is not this run's or is no longer valid
     * @throws FileAlreadyExistsException if the run already has a different checkpoint at that step
     */
    public int commit(Manifest manifest, RunLease lease)
            throws IOException
    {
        requireNonNull(lease, "lease is null");
        if (!lease.run().equals(manifest.run())) {
            throw new IllegalArgumentException("The lease of run " + lease.run() + " cannot commit a checkpoint of run " + manifest.run());
        }
        if (!lease.valid()) {
            throw new CheckpointException("Lost the lease of run " + manifest.run() + " (another writer took it over, or it could not be renewed); step "
                    + manifest.step() + " was not committed");
        }
        String key = RepositoryLayout.manifestKey(manifest.run(), manifest.step());
        ManifestCodec.validate(manifest, key);
        byte[] json = ManifestCodec.write(manifest);
        try {
            store.createIfAbsent(key, json);
        }
        catch (FileAlreadyExistsException e) {
            byte[] existing = readIfPresent(key);
            if (existing != null && isDamaged(existing, key)) {
                quarantine(manifest, key, existing, lease);
                store.createIfAbsent(key, json);
                cache.put(key, manifest);
                return json.length;
            }
            // a retried request whose first attempt succeeded finds its own manifest: that is a commit
            if (!Arrays.equals(existing, json)) {
                throw new FileAlreadyExistsException(key, null, "Run " + manifest.run() + " already has a checkpoint at step " + manifest.step());
            }
            cache.put(key, manifest);
            return 0;
        }
        catch (IOException e) {
            // the outcome is unknown: the store may have written the manifest and lost only its answer
            // (a timed-out request a retry cannot repeat), so whether the step committed is read back
            byte[] landed;
            try {
                landed = readIfPresent(key);
            }
            catch (IOException readBack) {
                e.addSuppressed(readBack);
                throw e;
            }
            if (!Arrays.equals(landed, json)) {
                throw e;
            }
            log.info("The commit of run {} step {} failed ({}), yet its manifest landed: the step is committed", manifest.run(), manifest.step(), e.getMessage());
            cache.put(key, manifest);
            return json.length;
        }
        cache.put(key, manifest);
        return json.length;
    }

    private static boolean isDamaged(byte[] json, String key)
    {
        try {
            ManifestCodec.read(json, key);
            return false;
        }
        catch (CorruptCheckpointException e) {
            return true;
        }
    }

    /**
     * Moves a damaged manifest aside, under the lease, so its step can be committed again: copied under
     * {@code quarantine/} for inspection first, then deleted. Never overwritten in place.
     */
    private void quarantine(Manifest manifest, String key, byte[] damaged, RunLease lease)
            throws IOException
    {
        if (!lease.valid()) {
            throw new CheckpointException("Lost the lease of run " + manifest.run() + "; its damaged manifest " + key + " was left in place");
        }
        String quarantineKey = RepositoryLayout.quarantineKey(manifest.run(), manifest.step(), Instant.now());
        store.createIfAbsent(quarantineKey, damaged);
        store.delete(List.of(key));
        warned.remove(key);
        log.warn("Moved the damaged manifest of run {} step {} to {} before committing the step again", manifest.run(), manifest.step(), quarantineKey);
    }

    /**
     * Deletes checkpoints' manifests: after this they no longer exist. Their chunks are the
     * {@link GarbageCollector}'s business.
     */
    void delete(List<Manifest> manifests)
            throws IOException
    {
        List<String> keys = manifests.stream().map(manifest -> RepositoryLayout.manifestKey(manifest.run(), manifest.step())).toList();
        store.delete(keys);
        keys.forEach(cache::remove);
    }

    private Manifest manifest(String key)
            throws IOException
    {
        Manifest cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        Manifest manifest = ManifestCodec.read(store.readAllBytes(key), key);
        cache.put(key, manifest);
        return manifest;
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
}
