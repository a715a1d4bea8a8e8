package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.data.Dataset;
import io.cairn.core.internal.FileTrees;
import io.cairn.core.model.Model;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.FitResult;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import io.cairn.trainer.inject.Checkpointers;
import org.tensorflow.SavedModelBundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * What each case of {@code cairn bench} does once: the training with no saves, with a synchronous
 * SavedModel export on the training thread every N steps (what Keras' {@code ModelCheckpoint} and the
 * Keras examples do), and with Cairn's saves; the fine-tuning case; and the plain store write the FULL
 * saves are compared with. Each Cairn case writes a fresh repository below the bench's location, wired
 * as any program wires Cairn ({@link Wiring}), and deletes it once measured.
 *
 * <p>Each saving case also times loading its last save back, the other cost of a checkpoint: a SavedModel
 * is loaded whole by {@code SavedModelBundle.load} (a new graph and session), a Cairn checkpoint is
 * restored into a model already in memory (what continual learning and a resumed run do), reading and
 * verifying every chunk from the store.
 */
final class BenchCases
{
    static final String FROZEN = "frozen90";

    private final Training training;
    private final StoreLocation location;
    private final String prefix;
    private final long saveEverySteps;
    private final int loads;

    /**
     * @param prefix names the repositories below {@code location}: {@code PREFIX-ROUND-CASE}
     */
    BenchCases(Training training, StoreLocation location, String prefix, long saveEverySteps, int loads)
    {
        this.training = requireNonNull(training, "training is null");
        this.location = requireNonNull(location, "location is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.saveEverySteps = saveEverySteps;
        this.loads = loads;
    }

    /**
     * The cases, in the order of the table. The fine-tuning case has no measurement of its own: it starts
     * from the FULL async case's last checkpoint, so that case runs it right after itself, in its
     * repository.
     */
    List<Case> cases()
    {
        List<Case> cases = new ArrayList<>(List.of(
                new Case("none", "no saves", round -> Map.of("none", BenchSample.of(training.fit(List.of()), List.of(), 0, 0, List.of(), List.of()))),
                new Case("naive", "SavedModel export per save (sync)", round -> Map.of("naive", savedModelExports())),
                new Case("sync", "Cairn FULL (--sync)", round -> cairn("sync", SaveKind.FULL, true, round)),
                new Case("async", "Cairn FULL (async)", round -> cairn("async", SaveKind.FULL, false, round)),
                new Case("state", "Cairn STATE (async)", round -> cairn("state", SaveKind.STATE, false, round)),
                new Case("weights", "Cairn WEIGHTS (async)", round -> cairn("weights", SaveKind.WEIGHTS, false, round))));
        if (training.frozenLayers() > 0) {
            cases.add(new Case(FROZEN, "Fine-tune (FULL async)", null));
        }
        return List.copyOf(cases);
    }

    private BenchSample savedModelExports()
            throws IOException
    {
        Path directory = Files.createTempDirectory("cairn-bench-savedmodel-");
        List<Double> stalls = new ArrayList<>();
        List<Path> exports = new ArrayList<>();
        try (Model trained = training.model().build(training.seed())) {
            TrainingCallback export = new TrainingCallback()
            {
                @Override
                public void onBatchEnd(TrainingLogs logs)
                {
                    if (logs.step() % saveEverySteps != 0) {
                        return;
                    }
                    long started = System.nanoTime();
                    Path target = directory.resolve("model_step_" + logs.step());
                    try {
                        SavedModelBundle.exporter(target.toString())
                                .withSession(trained.session())
                                .withSignature(trained.servingSignature())
                                .export();
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    stalls.add((System.nanoTime() - started) / 1e6);
                    exports.add(target);
                }
            };
            FitResult result = TrainingRun.fit(trained, training.data(), training.options(), List.of(export));
            long bytes = treeSize(directory);
            List<Double> loadMillis = new ArrayList<>();
            if (!exports.isEmpty()) {
                String last = exports.get(exports.size() - 1).toString();
                for (int i = 0; i < loads; i++) {
                    long started = System.nanoTime();
                    try (SavedModelBundle bundle = SavedModelBundle.load(last, "serve")) {
                        loadMillis.add((System.nanoTime() - started) / 1e6);
                    }
                }
            }
            return BenchSample.of(result, stalls, bytes, bytes, loadMillis, List.of());
        }
        finally {
            FileTrees.delete(directory);
        }
    }

    /**
     * One Cairn case in a new repository; the FULL async case then runs the fine-tuning case in the same
     * repository, from its last checkpoint.
     */
    private Map<String, BenchSample> cairn(String key, SaveKind kind, boolean sync, String round)
            throws IOException
    {
        Map<String, BenchSample> samples = new LinkedHashMap<>();
        try (Wiring wiring = Wiring.create(location.child(prefix + "-" + round + "-" + key).config().saveKind(kind).saveEverySteps(saveEverySteps).sync(sync))) {
            CheckpointRepository repository = wiring.repository();
            Checkpointers checkpointers = wiring.instance(Checkpointers.class);
            try {
                Optional<Manifest> last;
                try (Model trained = training.model().build(training.seed())) {
                    Checkpointer checkpointer = checkpointers.startRun(trained);
                    samples.put(key, train(trained, checkpointer, checkpointers, 0));
                    last = repository.latest(checkpointer.run());
                }
                if (key.equals("async") && training.frozenLayers() > 0 && last.isPresent()) {
                    try (Model frozen = training.model().build(training.seed(), training.frozenLayers())) {
                        samples.put(FROZEN, train(frozen, checkpointers.startRunFrom(frozen, last.get()), checkpointers, training.frozenLayers()));
                    }
                }
            }
            finally {
                // a 25M-parameter model's rounds would otherwise leave gigabytes behind
                CheckpointStore store = repository.store();
                store.delete(store.list(""));
            }
        }
        return samples;
    }

    /**
     * Trains with the checkpointer's saves, then loads the last save back into a second model like the
     * first, {@code frozenLayers} frozen.
     */
    private BenchSample train(Model trained, Checkpointer checkpointer, Checkpointers checkpointers, int frozenLayers)
            throws IOException
    {
        CheckpointRepository repository = checkpointer.repository();
        FitResult result;
        try (checkpointer) {
            result = TrainingRun.fit(trained, training.data(), training.options(), checkpointers.callbacks(checkpointer));
            checkpointer.awaitPending();
        }
        List<Manifest> manifests = repository.checkpoints(checkpointer.run());
        long logical = manifests.stream().mapToLong(Manifest::bytes).sum();
        Map<String, Long> chunks = new HashMap<>();
        for (Manifest manifest : manifests) {
            for (Manifest.FileEntry file : manifest.files()) {
                List<Long> lengths = manifest.chunkLengths(file);
                for (int i = 0; i < file.chunks().size(); i++) {
                    chunks.put(file.chunks().get(i), lengths.get(i));
                }
            }
        }
        List<Double> loadMillis = new ArrayList<>();
        if (!manifests.isEmpty()) {
            Manifest last = manifests.get(manifests.size() - 1);
            try (Model restored = training.model().build(training.seed() + 1, frozenLayers)) {
                for (int i = 0; i < loads; i++) {
                    long started = System.nanoTime();
                    repository.restore(last, restored);
                    loadMillis.add((System.nanoTime() - started) / 1e6);
                }
            }
        }
        return BenchSample.of(result, checkpointer.stallMillis(), logical, chunks.values().stream().mapToLong(Long::longValue).sum(), loadMillis, checkpointer.committedSaves());
    }

    /**
     * Writes {@code length} random bytes as one object the plainest way the store has, its own {@link CheckpointStore#write}
     * (local: a temp file, copy, force, rename; S3: the SDK's put, or its multipart upload for large
     * objects; HDFS: a temp file, hsync, rename), in a new location below the bench's, and deletes it.
     *
     * @return MB (10^6 bytes) per second
     */
    double rawWriteMBps(String round, long length)
            throws IOException
    {
        try (Wiring wiring = Wiring.create(location.child(prefix + "-" + round + "-raw").config())) {
            CheckpointStore store = wiring.instance(CheckpointStore.class);
            String key = "raw-write";
            RandomBytes data = new RandomBytes(length);
            long started = System.nanoTime();
            try {
                store.write(key, data, length);
                double seconds = (System.nanoTime() - started) / 1e9;
                return seconds > 0 ? length / 1e6 / seconds : 0;
            }
            finally {
                store.delete(List.of(key));
            }
        }
    }

    /**
     * The training every case repeats.
     */
    record Training(ModelSpec model, Dataset data, int epochs, int batch, long seed)
    {
        FitOptions options()
        {
            return FitOptions.of(epochs, batch, seed);
        }

        FitResult fit(List<TrainingCallback> callbacks)
        {
            try (Model trained = model.build(seed)) {
                return TrainingRun.fit(trained, data, options(), callbacks);
            }
        }

        /**
         * All dense layers but the last; 0 for a single layer, which leaves nothing to fine-tune.
         */
        int frozenLayers()
        {
            return model.sizes().size() - 2;
        }

        /**
         * The share of the model's weights (kernels and biases) in its frozen layers.
         */
        double frozenFraction()
        {
            List<Integer> sizes = model.sizes();
            long frozen = 0;
            long all = 0;
            for (int i = 0; i + 1 < sizes.size(); i++) {
                long weights = (long) sizes.get(i) * sizes.get(i + 1) + sizes.get(i + 1);
                all += weights;
                frozen += i < frozenLayers() ? weights : 0;
            }
            return all > 0 ? (double) frozen / all : 0;
        }
    }

    /**
     * A case of the bench: its key in the top-level JSON maps, its name in the table and its
     * measurement, which may give other cases' samples too; null when another case measures it.
     */
    record Case(String key, String name, Measure measure) {}

    @FunctionalInterface
    interface Measure
    {
        /**
         * Runs the case once; {@code round} names the repositories it writes.
         *
         * @return its samples by case key
         */
        Map<String, BenchSample> run(String round)
                throws IOException;
    }

    /**
     * {@code length} bytes that no store or file system can compress: a block of random bytes, made before
     * the clock starts, over and over.
     */
    private static final class RandomBytes
            extends InputStream
    {
        private static final int BLOCK = 8 << 20;

        private final byte[] block;
        private long remaining;

        RandomBytes(long length)
        {
            this.block = new byte[(int) Math.min(BLOCK, Math.max(1, length))];
            new SplittableRandom(length).nextBytes(block);
            this.remaining = length;
        }

        @Override
        public int read()
        {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
        {
            if (remaining == 0) {
                return -1;
            }
            int position = (int) (remaining % block.length);
            int count = (int) Math.min(Math.min(length, remaining), block.length - position);
            System.arraycopy(block, position, buffer, offset, count);
            remaining -= count;
            return count;
        }
    }

    private static long treeSize(Path directory)
            throws IOException
    {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).mapToLong(path -> {
                try {
                    return Files.size(path);
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
