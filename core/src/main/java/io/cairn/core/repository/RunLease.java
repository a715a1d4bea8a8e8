package io.cairn.core.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.core.checkpoint.CheckpointException;
import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.store.CheckpointStore;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The single-writer lease of a run: host, pid, start and expiry. The writer renews it; another writer
 * may take it over only when it has expired, or when its holder ran on the same host and that process
 * is gone (so resuming right after a crash just works).
 *
 * <p>Leases are numbered generations, {@code runs/<run>/lease/<20 digits>}, each created with
 * create-if-absent: the holder is the owner of the highest generation. Taking over creates the next
 * generation, so of two writers racing to take over exactly one wins, on every store, with no
 * compare-and-swap in the SPI. A writer whose generation is no longer the highest has lost its lease.
 */
public final class RunLease
{
    private final CheckpointStore store;
    private final String run;
    private final String key;
    private final long generation;
    private final Duration ttl;
    private final Clock clock;
    private final Holder mine;
    private volatile Instant expiresAt;
    private volatile boolean lost;

    private RunLease(CheckpointStore store, String run, String key, long generation, Duration ttl, Clock clock, Holder mine)
    {
        this.store = store;
        this.run = run;
        this.key = key;
        this.generation = generation;
        this.ttl = ttl;
        this.clock = clock;
        this.mine = mine;
        this.expiresAt = Instant.parse(mine.expiresAt());
    }

    public record Holder(String owner, String host, long pid, String startedAt, String expiresAt) {}

    public static RunLease acquire(CheckpointStore store, String run, Duration ttl, Clock clock)
            throws IOException
    {
        requireNonNull(store, "store is null");
        Instant now = clock.instant();
        Holder mine = new Holder(UUID.randomUUID().toString(), hostName(), ProcessHandle.current().pid(), now.toString(), now.plus(ttl).toString());
        long current = highestGeneration(store, run);
        if (current > 0) {
            Optional<Holder> holder = read(store, generationKey(run, current));
            if (holder.isPresent() && !takeable(holder.get(), now)) {
                Holder other = holder.get();
                throw new CheckpointException("Run " + run + " is being written by " + other.host() + " pid " + other.pid() + " since " + other.startedAt()
                        + "; its lease expires at " + other.expiresAt() + ". Wait for that writer to finish, or start a new run instead of resuming this one.");
            }
        }
        String key = generationKey(run, current + 1);
        try {
            store.createIfAbsent(key, json(mine));
        }
        catch (FileAlreadyExistsException e) {
            // a retried create whose first attempt succeeded finds its own lease; anyone else won the race
            if (!read(store, key).map(holder -> holder.owner().equals(mine.owner())).orElse(false)) {
                throw new CheckpointException("Another writer took over run " + run + " at the same moment; try again");
            }
        }
        // earlier generations are history now
        List<String> older = new ArrayList<>();
        for (long generation = current; generation >= 1 && older.size() < 16; generation--) {
            older.add(generationKey(run, generation));
        }
        store.delete(older);
        return new RunLease(store, run, key, current + 1, ttl, clock, mine);
    }

    /**
     * Who holds the run's lease now, if anyone (an expired lease is held by no one).
     */
    public static Optional<Holder> liveHolder(CheckpointStore store, String run, Instant now)
            throws IOException
    {
        long current = highestGeneration(store, run);
        if (current == 0) {
            return Optional.empty();
        }
        return read(store, generationKey(run, current)).filter(holder -> !Instant.parse(holder.expiresAt()).isBefore(now));
    }

    static String generationKey(String run, long generation)
    {
        return RepositoryLayout.leaseKey(run) + "/" + String.format("%020d", generation);
    }

    private static long highestGeneration(CheckpointStore store, String run)
            throws IOException
    {
        String prefix = RepositoryLayout.leaseKey(run) + "/";
        long highest = 0;
        for (String key : store.list(prefix)) {
            String name = key.substring(prefix.length());
            if (name.matches("\\d{20}")) {
                try {
                    highest = Math.max(highest, Long.parseLong(name));
                }
                catch (NumberFormatException e) {
                    // past Long.MAX_VALUE: not a generation this code wrote
                }
            }
        }
        return highest;
    }

    private static boolean takeable(Holder holder, Instant now)
    {
        if (Instant.parse(holder.expiresAt()).isBefore(now)) {
            return true;
        }
        return holder.host().equals(hostName()) && ProcessHandle.of(holder.pid()).map(process -> !process.isAlive()).orElse(true)
                && holder.pid() != ProcessHandle.current().pid();
    }

    /**
     * Extends the lease; marks it lost if someone else holds it now.
     */
    public synchronized void renew()
            throws IOException
    {
        if (lost) {
            return;
        }
        Optional<Holder> current = read(store, key);
        if (highestGeneration(store, run) != generation || current.isEmpty() || !current.get().owner().equals(mine.owner())) {
            lost = true;
            return;
        }
        Instant next = clock.instant().plus(ttl);
        Holder renewed = new Holder(mine.owner(), mine.host(), mine.pid(), mine.startedAt(), next.toString());
        byte[] bytes = json(renewed);
        store.write(key, new ByteArrayInputStream(bytes), bytes.length);
        expiresAt = next;
    }

    /**
     * Whether this writer may commit: the lease is ours and has not expired.
     */
    public boolean valid()
    {
        return !lost && clock.instant().isBefore(expiresAt);
    }

    public String run()
    {
        return run;
    }

    public synchronized void release()
            throws IOException
    {
        Optional<Holder> current = read(store, key);
        if (current.isPresent() && current.get().owner().equals(mine.owner()) && highestGeneration(store, run) == generation) {
            store.delete(List.of(key));
        }
        lost = true;
    }

    private static Optional<Holder> read(CheckpointStore store, String key)
            throws IOException
    {
        byte[] bytes;
        try {
            bytes = store.readAllBytes(key);
        }
        catch (FileNotFoundException e) {
            return Optional.empty();
        }
        try {
            Holder holder = ManifestCodec.MAPPER.readValue(bytes, Holder.class);
            if (holder.owner() == null || holder.host() == null || holder.expiresAt() == null || holder.startedAt() == null) {
                throw new CorruptCheckpointException("Lease " + key + " is missing fields; if no writer runs, delete it");
            }
            Instant.parse(holder.expiresAt());
            return Optional.of(holder);
        }
        catch (IOException | DateTimeException e) {
            throw new CorruptCheckpointException("Lease " + key + " is not valid; if no writer runs, delete it", e);
        }
    }

    private static byte[] json(Holder holder)
    {
        try {
            return ManifestCodec.MAPPER.writeValueAsBytes(holder);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hostName()
    {
        return HostName.VALUE;
    }

    // resolved once: a lookup that fails now and then must not make this host look like another
    private static final class HostName
    {
        static final String VALUE = resolve();

        private static String resolve()
        {
            try {
                return InetAddress.getLocalHost().getHostName();
            }
            catch (IOException e) {
                return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
            }
        }
    }
}
