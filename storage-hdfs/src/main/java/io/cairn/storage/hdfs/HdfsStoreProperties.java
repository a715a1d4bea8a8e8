package io.cairn.storage.hdfs;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The settings of an {@code hdfs:} or {@code viewfs:} store: Cairn's keys, with their limits, and the
 * prefixes of the Hadoop keys passed through to the Hadoop {@code Configuration}. Cairn's keys are
 * read from the URI query ({@code hdfs://nn:8020/repo?replication=2}), the options of
 * {@link io.cairn.core.store.CheckpointStoreProvider#open}, system properties {@code cairn.hdfs.<key>}
 * and environment variables {@code CAIRN_HDFS_<KEY>}, first found wins (see
 * {@link io.cairn.core.store.StoreSettings}); without them, Hadoop's own settings decide. Hadoop keys
 * come from the URI query and the options only.
 */
public final class HdfsStoreProperties
{
    /**
     * Replicas of each block of a new blob; by default {@code dfs.replication} (3).
     */
    public static final String REPLICATION = "replication";
    public static final int REPLICATION_MIN = 1;
    // HDFS's own default for dfs.replication.max; the NameNode enforces its configured limit too
    public static final int REPLICATION_MAX = 512;

    /**
     * Block size of a new blob, a multiple of {@link #BLOCK_SIZE_MULTIPLE}; by default
     * {@code dfs.blocksize} (128MiB).
     */
    public static final String BLOCK_SIZE = "block-size";
    // HDFS's default dfs.namenode.fs-limits.min-block-size
    public static final long BLOCK_SIZE_MIN = 1L << 20;
    public static final long BLOCK_SIZE_MAX = 2L << 30;
    // blocks are checksummed in units of dfs.bytes-per-checksum (512 by default)
    public static final long BLOCK_SIZE_MULTIPLE = 512;

    /**
     * The stream buffer; by default {@code io.file.buffer.size} (4KiB).
     */
    public static final String BUFFER_SIZE = "buffer-size";
    public static final long BUFFER_SIZE_MIN = 4L << 10;
    public static final long BUFFER_SIZE_MAX = 16L << 20;

    /**
     * How long a call of the store waits out a NameNode that does not answer: one that is down or
     * restarting (its connections refused or dropped), or in safe mode (a restarted NameNode stays in it
     * until the DataNodes have reported their blocks, and 30 s more). The call is tried again after
     * 0.25 s, then after twice as long each time up to 5 s, until this time has passed since its first
     * such failure, or since the first failure of an outage other calls found before it; then it fails
     * naming the NameNode. Each call is retried whole, but for writing a blob from a stream other than
     * bytes in memory (everything a save writes is in memory), which is not retried. Opening a store
     * does not wait: a wrong URI, or a NameNode that is down, fails at once.
     */
    public static final String NAMENODE_RETRY_TIME = "namenode-retry-time";
    public static final Duration NAMENODE_RETRY_TIME_DEFAULT = Duration.ofMinutes(2);

    /**
     * Keys with these prefixes (e.g. {@code dfs.client.use.datanode.hostname}) are set in the Hadoop
     * {@code Configuration} as they are. A Cairn key beats its Hadoop twin: {@code replication} wins
     * over {@code dfs.replication}.
     */
    public static final List<String> PASS_THROUGH_PREFIXES = List.of("dfs.", "fs.", "ipc.", "hadoop.");

    static final Set<String> KEYS = Set.of(REPLICATION, BLOCK_SIZE, BUFFER_SIZE, NAMENODE_RETRY_TIME);

    /**
     * The name of the store's settings, for {@code hdfs:} and {@code viewfs:} alike:
     * {@code cairn.hdfs.<key>}, {@code CAIRN_HDFS_<KEY>}.
     */
    static final String SETTINGS_NAME = "hdfs";

    private HdfsStoreProperties() {}
}
