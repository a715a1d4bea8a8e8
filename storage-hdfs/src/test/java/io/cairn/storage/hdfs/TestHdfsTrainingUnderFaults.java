package io.cairn.storage.hdfs;

import io.cairn.core.checkpoint.CheckpointCallback;
import io.cairn.core.checkpoint.CheckpointListener;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.checkpoint.SavePolicies;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.repository.RepositoryLayout;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainerState;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.MiniDFSCluster.DataNodeProperties;
import org.apache.hadoop.hdfs.protocol.DatanodeInfo;
import org.apache.hadoop.hdfs.protocol.ExtendedBlock;
import org.apache.hadoop.hdfs.protocol.LocatedBlock;
import org.apache.hadoop.hdfs.protocol.LocatedBlocks;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.apache.hadoop.hdfs.server.datanode.Replica;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.LongStream;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training on a three-DataNode HDFS (replication 2, 1 MiB blocks) while it fails as production clusters
 * do, each run against a fault-free one. A DataNode stopped while a chunk of a save has an open block
 * on it: the save commits through HDFS's pipeline recovery, and so do the later ones with that DataNode
 * gone. The NameNode shut down between two saves, as the second begins to write, and restarted 4 s
 * later: that save waits out the restart and the safe mode the NameNode comes back in, through the
 * store's NameNode retries (their default time), and commits. Both runs end with every save committed and
 * a final checkpoint equal to the fault-free run's. A NameNode down for longer than the retries fails
 * the save cleanly (its step not listed, one line naming the store, the NameNode and the setting), and
 * the run resumes to the same final checkpoint once the NameNode is back. Every checkpoint listed at
 * any point verifies (every chunk read back and hashed) and restores into a model.
 */
@Timeout(300)
class TestHdfsTrainingUnderFaults
{
    private static final long SEED = 42;
    private static final int STEPS = 60;
    private static final int EVERY = 10;
    private static final int BLOCK_SIZE = 1 << 20;
    // the first layer's kernel (784 x 1024 floats) and its two Adam slots are 3 MiB chunks: four blocks each
    private static final int[] LAYERS = {784, 1024, 10};
    private static final List<Long> ALL_STEPS = LongStream.rangeClosed(1, STEPS / EVERY).map(step -> step * EVERY).boxed().toList();
    // the restarted NameNode stays in safe mode this long once the DataNodes have reported their blocks
    // (30 s on a production NameNode, dfs.namenode.safemode.extension)
    private static final Duration SAFE_MODE_EXTENSION = Duration.ofSeconds(3);

    private static MiniHdfs hdfs;
    private static List<String> reference;

    @BeforeAll
    static void start()
            throws IOException
    {
        hdfs = MiniHdfs.builder()
                .dataNodes(3)
                .replication(2)
                // DataNodes report to a restarted NameNode at their next heartbeat: every second, not every 3
                .settings(Map.of("dfs.namenode.safemode.extension.testing", Long.toString(SAFE_MODE_EXTENSION.toMillis()), "dfs.heartbeat.interval", "1"))
                .start();
        Run run = train(store("reference"), 4, false, manifest -> {});
        assertThat(run.failure()).isEmpty();
        assertThat(run.committed()).isEqualTo(ALL_STEPS);
        reference = finalFiles("reference", run.run());
    }

    @AfterAll
    static void stop()
            throws IOException
    {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private record Run(String run, List<Long> committed, Optional<Throwable> failure, Optional<Manifest> resumedFrom) {}

    @Test
    void dataNodeStoppedMidSaveCommitsThroughPipelineRecovery()
            throws IOException
    {
        String prefix = "datanode-stop";
        DataNodeStopper stopper = new DataNodeStopper(store(prefix), "/" + prefix);
        Run run;
        try {
            // one upload thread: the chunk held mid-block is then the only blob being written that is
            // longer than a block, so the stopped DataNode is certainly in its pipeline
            run = train(stopper, 1, false, manifest -> {
                if (manifest.step() == 20) {
                    stopper.arm();
                }
            });
        }
        finally {
            stopper.restartDataNode();
        }
        assertThat(stopper.failure()).isEmpty();
        assertThat(run.failure()).isEmpty();
        assertThat(run.committed()).isEqualTo(ALL_STEPS);

        // the block being written when its DataNode stopped is in the checkpoint at step 30, recovered:
        // HDFS gave it a new generation stamp and it is no longer on the stopped DataNode
        ExtendedBlock inFlight = stopper.block().orElseThrow();
        LocatedBlock recovered = findBlock(prefix, checkpoint(prefix, run.run(), 30), inFlight.getBlockId()).orElseThrow();
        assertThat(recovered.getBlock().getGenerationStamp()).isGreaterThan(inFlight.getGenerationStamp());
        assertThat(recovered.getLocations()).extracting(DatanodeInfo::getXferAddr).doesNotContain(stopper.stopped().orElseThrow());
        System.err.printf("DataNode %s stopped with block %s in flight (%s bytes of it on each DataNode); in the checkpoint at 30 as %s on %s%n",
                stopper.stopped().orElseThrow(), inFlight, stopper.bytesWhenStopped(), recovered.getBlock(), List.of(recovered.getLocations()));

        assertThat(finalFiles(prefix, run.run())).isEqualTo(reference);
        assertEveryCheckpointVerifies(prefix, ALL_STEPS);
    }

    @Test
    void nameNodeRestartBetweenSavesIsRiddenOutByTheNextSave()
            throws IOException
    {
        String prefix = "namenode-restart";
        NameNodeOutage outage = new NameNodeOutage(hdfs.cluster(), Optional.of(Duration.ofSeconds(4)));
        NameNodeGate gate = new NameNodeGate(store(prefix), outage);
        Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        Run run;
        try {
            // the NameNode goes down after the save at 20 committed, as the one at 30 begins to write
            run = train(gate, 4, false, manifest -> {
                committedAt.put(manifest.step(), System.nanoTime());
                if (manifest.step() == 20) {
                    gate.arm();
                }
            });
        }
        finally {
            outage.awaitEnd();
        }
        assertThat(outage.failure()).isEmpty();
        assertThat(run.failure()).isEmpty();
        assertThat(run.committed()).isEqualTo(ALL_STEPS);
        // chunk writes of the save at 30 began while the NameNode was down and succeeded, which they could
        // only once it was back and out of the safe mode it came back in
        assertThat(gate.succeededAfterBeginningWhileDown()).anyMatch(call -> call.startsWith("write " + RepositoryLayout.CHUNKS));
        assertThat(outage.safeModeNanos()).isPositive();
        assertThat(committedAt.get(30L)).isGreaterThan(outage.leftSafeModeAt());
        System.err.printf("NameNode down for %d ms, then in safe mode for %d ms; the save at 30 committed %d ms after it went down; "
                        + "store calls begun while it was down: %s, of which succeeded: %s%n",
                NANOSECONDS.toMillis(outage.downNanos()), NANOSECONDS.toMillis(outage.safeModeNanos()),
                NANOSECONDS.toMillis(committedAt.get(30L) - outage.wentDownAt()), gate.callsWhileDown(), gate.succeededAfterBeginningWhileDown());

        assertThat(finalFiles(prefix, run.run())).isEqualTo(reference);
        assertEveryCheckpointVerifies(prefix, ALL_STEPS);
    }

    @Test
    void nameNodeDownLongerThanTheRetriesFailsTheSaveCleanlyAndTheRunResumes()
            throws IOException
    {
        String prefix = "namenode-down";
        // the save gives up after 3 s, not the default's 2 minutes
        String uri = hdfs.uri(prefix) + "&block-size=" + BLOCK_SIZE + "&" + HdfsStoreProperties.NAMENODE_RETRY_TIME + "=3s";
        NameNodeOutage outage = new NameNodeOutage(hdfs.cluster(), Optional.empty());
        NameNodeGate gate = new NameNodeGate(CheckpointStores.discover().open(uri), outage);
        // the failing writer cannot give its lease back while the NameNode is down: a short one lapses soon after
        Duration leaseTtl = Duration.ofSeconds(10);
        Map<Long, Long> failedAt = new ConcurrentHashMap<>();
        Run failed;
        try {
            // the NameNode goes down after the save at 20 committed, as the one at 30 begins to write
            failed = train(gate, 4, CheckpointerOptions.defaults().withLeaseTtl(leaseTtl), false, new CheckpointListener()
            {
                @Override
                public void onCommitted(Manifest manifest)
                {
                    if (manifest.step() == 20) {
                        gate.arm();
                    }
                }

                @Override
                public void onFailed(long step, Throwable failure)
                {
                    failedAt.putIfAbsent(step, System.nanoTime());
                }
            });
        }
        finally {
            outage.end();
        }
        assertThat(outage.failure()).isEmpty();
        assertThat(failed.committed()).containsExactly(10L, 20L);
        String message = failed.failure().orElseThrow().getMessage();
        System.err.printf("Save at 30 failed %d ms after the NameNode went down; saves failed: %s; message: %s%n",
                NANOSECONDS.toMillis(failedAt.get(30L) - outage.wentDownAt()), failedAt.keySet().stream().sorted().toList(), message);
        assertThat(message)
                .doesNotContain("\n")
                .contains(hdfs.location(prefix).toString())
                .contains("cannot reach the NameNode at " + hdfs.nameNode())
                .contains(HdfsStoreProperties.NAMENODE_RETRY_TIME + "=3.0 s");
        // nothing of the failed save is listed, and what is listed verifies
        assertEveryCheckpointVerifies(prefix, List.of(10L, 20L));
        System.err.printf("Temp files the failed writes left in %s: %d%n", HdfsCheckpointStore.TEMP_DIRECTORY, tempFiles(prefix));

        // the lease was last renewed before the NameNode went down
        sleepUntil(outage.wentDownAtWallClock().plus(leaseTtl).plusMillis(100));
        Run resumed = train(store(prefix), 4, CheckpointerOptions.defaults(), true, new CheckpointListener() {});
        assertThat(resumed.failure()).isEmpty();
        assertThat(resumed.run()).isEqualTo(failed.run());
        assertThat(resumed.resumedFrom()).map(Manifest::step).contains(20L);
        assertThat(resumed.committed()).containsExactly(30L, 40L, 50L, 60L);
        assertThat(finalFiles(prefix, resumed.run())).isEqualTo(reference);
        assertEveryCheckpointVerifies(prefix, ALL_STEPS);
    }

    private static CheckpointStore store(String prefix)
            throws IOException
    {
        return CheckpointStores.discover().open(hdfs.uri(prefix) + "&block-size=" + BLOCK_SIZE);
    }

    private static Run train(CheckpointStore store, int uploadThreads, boolean resume, Consumer<Manifest> onCommitted)
            throws IOException
    {
        return train(store, uploadThreads, CheckpointerOptions.defaults(), resume, new CheckpointListener()
        {
            @Override
            public void onCommitted(Manifest manifest)
            {
                onCommitted.accept(manifest);
            }
        });
    }

    private static Run train(CheckpointStore store, int uploadThreads, CheckpointerOptions options, boolean resume, CheckpointListener listener)
            throws IOException
    {
        try (store;
                CheckpointRepository repository = CheckpointRepository.create(store, 4 << 20, uploadThreads);
                Model model = model()) {
            Checkpointer checkpointer = resume
                    ? Checkpointer.resumeRun(repository, model, options, Optional.empty())
                    : Checkpointer.startRun(repository, model, options);
            checkpointer.addListener(listener);
            Optional<Throwable> failure = Optional.empty();
            try (checkpointer) {
                FitOptions fit = FitOptions.of(1000, 32, SEED).withMaxSteps(STEPS);
                if (checkpointer.resumeState().isPresent()) {
                    fit = fit.resumingFrom(checkpointer.resumeState().get());
                }
                new Trainer(model).fit(Datasets.random(1000, LAYERS[0], LAYERS[LAYERS.length - 1], SEED), fit,
                        List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(EVERY), SaveKind.STATE, false)));
                checkpointer.awaitPending();
            }
            catch (RuntimeException e) {
                failure = Optional.of(e);
            }
            return new Run(checkpointer.run(), checkpointer.committedSteps(), failure, checkpointer.resumedFrom());
        }
    }

    private static void sleepUntil(Instant instant)
    {
        Duration left = Duration.between(Instant.now(), instant);
        if (!left.isNegative()) {
            try {
                Thread.sleep(left.toMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static Model model()
    {
        Model model = Sequential.mlp(LAYERS).seed(SEED).build();
        model.initialize();
        return model;
    }

    private static Manifest checkpoint(String prefix, String run, long step)
            throws IOException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(store(prefix))) {
            return repository.checkpoint(run, step);
        }
    }

    private static List<String> finalFiles(String prefix, String run)
            throws IOException
    {
        Manifest latest = checkpoint(prefix, run, STEPS);
        return latest.files().stream().map(file -> file.path() + " " + file.sha256()).toList();
    }

    /**
     * The repository lists exactly these steps, of one run, and every one of them verifies and restores.
     */
    private static void assertEveryCheckpointVerifies(String prefix, List<Long> steps)
            throws IOException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(store(prefix));
                Model model = model()) {
            assertThat(repository.runs()).hasSize(1);
            assertThat(repository.damagedCheckpoints()).isEmpty();
            assertThat(repository.checkpoints()).extracting(Manifest::step).isEqualTo(steps);
            for (Manifest manifest : repository.checkpoints()) {
                assertThat(repository.verify(manifest)).as("run %s step %s", manifest.run(), manifest.step()).isEmpty();
                assertThat(repository.restore(manifest, model)).map(TrainerState::step).contains(manifest.step());
            }
        }
    }

    private static int tempFiles(String prefix)
            throws IOException
    {
        Path temp = new Path("/" + prefix, HdfsCheckpointStore.TEMP_DIRECTORY);
        try {
            return hdfs.fileSystem().listStatus(temp).length;
        }
        catch (EOFException e) {
            // the test's own client's first call after the restart, on the old NameNode's connection
            return hdfs.fileSystem().listStatus(temp).length;
        }
    }

    /**
     * The block with that id among the blocks of the checkpoint's chunks, as the NameNode has it now.
     */
    private static Optional<LocatedBlock> findBlock(String prefix, Manifest manifest, long blockId)
            throws IOException
    {
        DistributedFileSystem fileSystem = hdfs.fileSystem();
        for (Manifest.FileEntry file : manifest.files()) {
            for (String chunk : file.chunks()) {
                String path = "/" + prefix + "/" + RepositoryLayout.chunkKey(chunk);
                for (LocatedBlock block : fileSystem.getClient().getLocatedBlocks(path, 0, Long.MAX_VALUE).getLocatedBlocks()) {
                    if (block.getBlock().getBlockId() == blockId) {
                        return Optional.of(block);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Once armed, holds the next chunk write longer than two blocks when it has handed 1.5 blocks to
     * HDFS (its second block is then open, half written), waits until both DataNodes of that block hold
     * bytes of it, stops one of them, and lets the write go on.
     */
    private static final class DataNodeStopper
            extends ForwardingCheckpointStore
    {
        private final Path temp;
        private final AtomicBoolean armed = new AtomicBoolean();
        private volatile ExtendedBlock block;
        private volatile String stopped;
        private volatile DataNodeProperties properties;
        private volatile List<Long> bytesWhenStopped = List.of();
        private volatile Throwable failure;

        DataNodeStopper(CheckpointStore delegate, String root)
        {
            super(delegate);
            this.temp = new Path(root, HdfsCheckpointStore.TEMP_DIRECTORY);
        }

        void arm()
        {
            armed.set(true);
        }

        @Override
        public void write(String key, InputStream data, long length)
                throws IOException
        {
            if (key.startsWith(RepositoryLayout.CHUNKS) && length > 2L * BLOCK_SIZE && armed.compareAndSet(true, false)) {
                super.write(key, new Tripwire(data, BLOCK_SIZE + BLOCK_SIZE / 2, this::stopADataNodeOfTheOpenBlock), length);
                return;
            }
            super.write(key, data, length);
        }

        private void stopADataNodeOfTheOpenBlock()
                throws IOException
        {
            try {
                DistributedFileSystem fileSystem = hdfs.fileSystem();
                long deadline = System.nanoTime() + SECONDS.toNanos(60);
                IOException lastFailure = null;
                while (System.nanoTime() < deadline) {
                    Optional<LocatedBlock> open = Optional.empty();
                    try {
                        for (FileStatus status : fileSystem.listStatus(temp)) {
                            // other temp files (a lease's) come and go
                            LocatedBlocks blocks = fileSystem.getClient().getLocatedBlocks(status.getPath().toUri().getPath(), 0, Long.MAX_VALUE);
                            LocatedBlock last = blocks.getLastLocatedBlock();
                            if (blocks.isUnderConstruction() && last != null && last.getStartOffset() == BLOCK_SIZE && last.getLocations().length == 2) {
                                open = Optional.of(last);
                            }
                        }
                    }
                    catch (IOException e) {
                        lastFailure = e;
                    }
                    if (open.isPresent()) {
                        List<Long> bytes = bytesOnDisk(open.get());
                        if (bytes.stream().allMatch(count -> count > 0)) {
                            block = open.get().getBlock();
                            bytesWhenStopped = bytes;
                            stopped = open.get().getLocations()[0].getXferAddr();
                            properties = hdfs.cluster().stopDataNode(stopped);
                            assertThat(properties).as("DataNode %s", stopped).isNotNull();
                            return;
                        }
                    }
                    Thread.sleep(10);
                }
                throw new IOException("No blob in " + temp + " had an open second block on two DataNodes within 60 s", lastFailure);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for the block to stop a DataNode of");
            }
            catch (IOException | RuntimeException | AssertionError e) {
                failure = e;
                throw e;
            }
        }

        private static List<Long> bytesOnDisk(LocatedBlock block)
        {
            List<Long> bytes = new ArrayList<>();
            for (DatanodeInfo location : block.getLocations()) {
                DataNode dataNode = hdfs.cluster().getDataNodes().stream()
                        .filter(node -> node.getDatanodeId().getXferAddr().equals(location.getXferAddr()))
                        .findFirst()
                        .orElseThrow();
                Replica replica = dataNode.getFSDataset().getReplica(block.getBlock().getBlockPoolId(), block.getBlock().getBlockId());
                bytes.add(replica == null ? 0 : replica.getBytesOnDisk());
            }
            return bytes;
        }

        void restartDataNode()
                throws IOException
        {
            if (properties != null) {
                hdfs.cluster().restartDataNode(properties, true);
                hdfs.cluster().waitActive();
            }
        }

        Optional<Throwable> failure()
        {
            return Optional.ofNullable(failure);
        }

        Optional<ExtendedBlock> block()
        {
            return Optional.ofNullable(block);
        }

        Optional<String> stopped()
        {
            return Optional.ofNullable(stopped);
        }

        List<Long> bytesWhenStopped()
        {
            return bytesWhenStopped;
        }
    }

    /**
     * A stream that runs an action once, when its reader has taken at least {@code after} bytes.
     */
    private static final class Tripwire
            extends FilterInputStream
    {
        interface Action
        {
            void run()
                    throws IOException;
        }

        private final long after;
        private final Action action;
        private long read;
        private boolean tripped;

        Tripwire(InputStream in, long after, Action action)
        {
            super(in);
            this.after = after;
            this.action = action;
        }

        @Override
        public int read()
                throws IOException
        {
            trip();
            int value = in.read();
            if (value >= 0) {
                read++;
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            trip();
            int count = in.read(buffer, offset, (int) Math.min(length, tripped ? length : Math.max(1, after - read)));
            if (count > 0) {
                read += count;
            }
            return count;
        }

        private void trip()
                throws IOException
        {
            if (!tripped && read >= after) {
                tripped = true;
                action.run();
            }
        }
    }

    /**
     * Shuts the NameNode down and, after {@code downFor} (or when told to {@link #end}), restarts it
     * without waiting for it: it comes back in safe mode until the DataNodes have reported their
     * blocks, plus the safe mode extension.
     */
    private static final class NameNodeOutage
    {
        private final MiniDFSCluster cluster;
        private final Optional<Thread> restarter;
        private final CountDownLatch begun = new CountDownLatch(1);
        private volatile boolean down;
        private volatile long wentDownAt;
        private volatile Instant wentDownAtWallClock;
        private volatile long cameBackAt;
        private volatile long leftSafeModeAt;
        private volatile Throwable failure;

        /**
         * Made on the test thread: the NameNode's threads then run at its priority, not at the save
         * thread's lower one.
         */
        NameNodeOutage(MiniDFSCluster cluster, Optional<Duration> downFor)
        {
            this.cluster = cluster;
            this.restarter = downFor.map(duration -> {
                Thread thread = new Thread(() -> {
                    try {
                        begun.await();
                        Thread.sleep(duration.toMillis());
                        restart();
                    }
                    catch (InterruptedException | IOException | RuntimeException e) {
                        failure = e;
                    }
                }, "namenode-restarter");
                thread.setDaemon(true);
                thread.start();
                return thread;
            });
        }

        /**
         * Shuts the NameNode down; called on a thread of the save.
         */
        void begin()
        {
            if (begun.getCount() == 0) {
                return;
            }
            down = true;
            wentDownAt = System.nanoTime();
            wentDownAtWallClock = Instant.now();
            cluster.shutdownNameNode(0);
            begun.countDown();
        }

        private void restart()
                throws IOException, InterruptedException
        {
            cluster.restartNameNode(0, false);
            cameBackAt = System.nanoTime();
            down = false;
            while (cluster.getNameNode(0).isInSafeMode()) {
                Thread.sleep(20);
            }
            leftSafeModeAt = System.nanoTime();
        }

        boolean down()
        {
            return down;
        }

        /**
         * Waits for the restart, and for the cluster to be whole again.
         */
        void awaitEnd()
                throws IOException
        {
            try {
                if (restarter.isPresent()) {
                    begun.countDown();
                    restarter.get().join(SECONDS.toMillis(120));
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for the NameNode to restart");
            }
            cluster.waitActive();
        }

        /**
         * Restarts the NameNode now, if it went down, and waits for the cluster to be whole again.
         */
        void end()
                throws IOException
        {
            if (begun.getCount() == 0) {
                try {
                    restart();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while waiting for the NameNode to leave safe mode");
                }
            }
            cluster.waitActive();
        }

        Optional<Throwable> failure()
        {
            return Optional.ofNullable(failure);
        }

        long wentDownAt()
        {
            return wentDownAt;
        }

        Instant wentDownAtWallClock()
        {
            return wentDownAtWallClock;
        }

        long leftSafeModeAt()
        {
            return leftSafeModeAt;
        }

        long downNanos()
        {
            return cameBackAt - wentDownAt;
        }

        long safeModeNanos()
        {
            return leftSafeModeAt - cameBackAt;
        }
    }

    /**
     * Once armed, shuts the NameNode down as the next chunk write begins, once the store calls in flight
     * have returned: an in-process NameNode stopping under a call answers it with errors of its own
     * shutdown (its edit log closed), where a real one's process just goes away. Records the calls that
     * begin while the NameNode is down, and which of them succeed.
     */
    private static final class NameNodeGate
            extends ForwardingCheckpointStore
    {
        interface Call<T>
        {
            T call()
                    throws IOException;
        }

        private final NameNodeOutage outage;
        private final AtomicBoolean armed = new AtomicBoolean();
        private final ReadWriteLock calls = new ReentrantReadWriteLock();
        private final List<String> callsWhileDown = new CopyOnWriteArrayList<>();
        private final List<String> succeededAfterBeginningWhileDown = new CopyOnWriteArrayList<>();

        NameNodeGate(CheckpointStore delegate, NameNodeOutage outage)
        {
            super(delegate);
            this.outage = outage;
        }

        void arm()
        {
            armed.set(true);
        }

        @Override
        public void write(String key, InputStream data, long length)
                throws IOException
        {
            if (key.startsWith(RepositoryLayout.CHUNKS) && armed.compareAndSet(true, false)) {
                // new calls wait while the NameNode goes down; those in flight finish first
                calls.writeLock().lock();
                try {
                    outage.begin();
                }
                finally {
                    calls.writeLock().unlock();
                }
            }
            call("write " + key, () -> {
                super.write(key, data, length);
                return null;
            });
        }

        @Override
        public void createIfAbsent(String key, byte[] data)
                throws IOException
        {
            call("createIfAbsent " + key, () -> {
                super.createIfAbsent(key, data);
                return null;
            });
        }

        @Override
        public boolean exists(String key)
                throws IOException
        {
            return call("exists " + key, () -> super.exists(key));
        }

        @Override
        public InputStream read(String key)
                throws IOException
        {
            return call("read " + key, () -> super.read(key));
        }

        @Override
        public InputStream read(String key, long offset, long length)
                throws IOException
        {
            return call("read " + key, () -> super.read(key, offset, length));
        }

        @Override
        public byte[] readAllBytes(String key)
                throws IOException
        {
            return call("read " + key, () -> super.readAllBytes(key));
        }

        @Override
        public List<String> list(String prefix)
                throws IOException
        {
            return call("list " + prefix, () -> super.list(prefix));
        }

        @Override
        public void delete(Collection<String> keys)
                throws IOException
        {
            call("delete " + keys, () -> {
                super.delete(keys);
                return null;
            });
        }

        private <T> T call(String description, Call<T> call)
                throws IOException
        {
            calls.readLock().lock();
            try {
                boolean down = outage.down();
                if (down) {
                    callsWhileDown.add(description);
                }
                T result = call.call();
                if (down) {
                    succeededAfterBeginningWhileDown.add(description);
                }
                return result;
            }
            finally {
                calls.readLock().unlock();
            }
        }

        List<String> callsWhileDown()
        {
            return callsWhileDown;
        }

        List<String> succeededAfterBeginningWhileDown()
        {
            return succeededAfterBeginningWhileDown;
        }
    }
}
