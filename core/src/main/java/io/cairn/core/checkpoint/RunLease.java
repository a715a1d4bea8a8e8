package io.cairn.core.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.core.store.CheckpointStore;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The single-writer lease of a run ({@code runs/<run>/lease}): host, pid, start and expiry. The writer
 * renews it; another writer may take it over only when it has expired, or when its holder ran on the
 * same host and that process is gone (so resuming right after a crash just works).
 */
final class RunLease
{
    private final CheckpointStore store;
    private final String key;
    private final Duration ttl;
    private final Clock clock;
    private final Holder mine;
    private volatile Instant expiresAt;
    private volatile boolean lost;

    private RunLease(CheckpointStore store, String key, Duration ttl, Clock clock, Holder mine)
    {
        this.store = store;
        this.key = key;
        this.ttl = ttl;
        this.clock = clock;
        this.mine = mine;
        this.expiresAt = Instant.parse(mine.expiresAt());
    }

    record Holder(String owner, String host, long pid, String startedAt, String expiresAt) {}

    static RunLease acquire(CheckpointStore store, String run, Duration ttl, Clock clock)
            throws IOException
    {
        requireNonNull(store, "store is null");
        String key = RepositoryLayout.leaseKey(run);
        Instant now = clock.instant();
        Holder mine = new Holder(UUID.randomUUID().toString(), hostName(), ProcessHandle.current().pid(), now.toString(), now.plus(ttl).toString());
        try {
            store.createIfAbsent(key, json(mine));
            return new RunLease(store, key, ttl, clock, mine);
        }
        catch (FileAlreadyExistsException e) {
            // held, or left behind by a writer that stopped
        }
        Optional<Holder> holder = read(store, key);
        if (holder.isPresent() && holder.get().owner().equals(mine.owner())) {
            // a retried create whose first attempt succeeded
            return new RunLease(store, key, ttl, clock, mine);
        }
        if (holder.isPresent() && !takeable(holder.get(), now)) {
            Holder other = holder.get();
            throw new CheckpointException("Run " + run + " is being written by " + other.host() + " pid " + other.pid() + " since " + other.startedAt()
                    + "; its lease expires at " + other.expiresAt() + ". Wait for that writer to finish, or start a new run instead of --resume.");
        }
        store.delete(java.util.List.of(key));
        try {
            store.createIfAbsent(key, json(mine));
        }
        catch (FileAlreadyExistsException e) {
            throw new CheckpointException("Another writer took over run " + run + " at the same moment; try again");
        }
        return new RunLease(store, key, ttl, clock, mine);
    }

    /**
     * Who holds the run's lease now, if anyone (an expired lease is held by no one).
     */
    static Optional<Holder> liveHolder(CheckpointStore store, String run, Instant now)
            throws IOException
    {
        return read(store, RepositoryLayout.leaseKey(run)).filter(holder -> !Instant.parse(holder.expiresAt()).isBefore(now));
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
    synchronized void renew()
            throws IOException
    {
        if (lost) {
            return;
        }
        Optional<Holder> current = read(store, key);
        if (current.isEmpty() || !current.get().owner().equals(mine.owner())) {
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
    boolean valid()
    {
        return !lost && clock.instant().isBefore(expiresAt);
    }

    Duration ttl()
    {
        return ttl;
    }

    synchronized void release()
            throws IOException
    {
        Optional<Holder> current = read(store, key);
        if (current.isPresent() && current.get().owner().equals(mine.owner())) {
            store.delete(java.util.List.of(key));
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
        catch (IOException | java.time.DateTimeException e) {
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
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
        }
    }
}
