package io.cairn.examples.customstore;

import io.cairn.core.checkpoint.CheckpointCallback;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.checkpoint.SavePolicies;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A store of one's own, used by changing nothing but the URI: the seed model trains with a full save
 * every 50 steps into {@code xor:<inner-uri>} (the {@link XorCheckpointStoreProvider}, found through
 * {@code ServiceLoader} like Cairn's own stores), and a fresh model restores the last save. Then the inner
 * store is read directly: no chunk there hashes to its name until it is XORed back.
 *
 * <p>Usage: {@code CustomStoreExample [inner-store-uri]} (default {@code file:./checkpoints-custom-store}).
 */
public final class CustomStoreExample
{
    static final String DEFAULT_INNER_STORE = "file:./checkpoints-custom-store";

    private CustomStoreExample() {}

    public static void main(String[] args)
            throws IOException
    {
        Result result = run(args.length > 0 ? args[0] : DEFAULT_INNER_STORE);
        System.out.println("Trained the seed model with full saves into " + result.store() + ": committed steps " + result.committedSteps());
        System.out.println(result.predictionsMatch()
                ? "A fresh model restored step " + result.restoredStep() + " through the xor: store and predicts exactly as the trained model"
                : "MISMATCH: the fresh model restored from step " + result.restoredStep() + " predicts differently from the trained model");
        System.out.printf("Read directly, the inner store holds %d chunks: %d hash to their names as stored, %d once XORed with the key%n",
                result.chunks(), result.plainChunks(), result.decodedChunks());
    }

    /**
     * @param store the xor: store's location
     * @param committedSteps the steps the run committed
     * @param restoredStep the step restored into a fresh model
     * @param predictionsMatch whether the fresh model predicts exactly as the trained one did
     * @param chunks the chunks in the inner store, read without the xor: store
     * @param plainChunks how many of them hash to their name as stored: 0 when none is stored plain
     * @param decodedChunks how many of them hash to their name once XORed with the key
     */
    public record Result(String store, List<Long> committedSteps, long restoredStep, boolean predictionsMatch, int chunks, int plainChunks, int decodedChunks) {}

    public static Result run(String innerUri)
            throws IOException
    {
        float[][] probe = probe();
        try (CheckpointStore store = CheckpointStores.discover().open(XorCheckpointStoreProvider.SCHEME + ":" + innerUri);
                CheckpointRepository repository = CheckpointRepository.create(store)) {
            Checkpointer checkpointer;
            float[][] trained;
            try (Model model = model()) {
                checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults());
                try (checkpointer) {
                    new Trainer(model).fit(Datasets.random(1000, 100, 5, 42), FitOptions.of(5, 32, 42),
                            List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.FULL, true)));
                }
                trained = model.predict(probe);
            }
            Manifest latest = repository.latest(checkpointer.run())
                    .orElseThrow(() -> new IllegalStateException("Run " + checkpointer.run() + " committed no checkpoint"));
            try (Model fresh = model()) {
                repository.restore(latest, fresh);
                boolean match = Arrays.deepEquals(trained, fresh.predict(probe));
                int[] counts = countChunks(innerUri);
                return new Result(store.location().toString(), checkpointer.committedSteps(), latest.step(), match, counts[0], counts[1], counts[2]);
            }
        }
    }

    /**
     * The chunks in the inner store, how many hash to their name as stored, and how many once XORed back.
     */
    private static int[] countChunks(String innerUri)
            throws IOException
    {
        byte[] mask = XorCheckpointStoreProvider.mask(Map.of());
        int[] counts = new int[3];
        try (CheckpointStore inner = CheckpointStores.discover().open(innerUri)) {
            for (String key : inner.list("chunks/")) {
                byte[] stored = inner.readAllBytes(key);
                String name = key.substring(key.lastIndexOf('/') + 1);
                counts[0]++;
                counts[1] += sha256(stored).equals(name) ? 1 : 0;
                counts[2] += sha256(XorCheckpointStore.xor(stored, mask, 0)).equals(name) ? 1 : 0;
            }
        }
        return counts;
    }

    private static Model model()
    {
        Model model = Sequential.mlp(100, 10, 5).seed(42).build();
        model.initialize();
        return model;
    }

    private static float[][] probe()
    {
        Random random = new Random(7);
        float[][] probe = new float[8][100];
        for (float[] row : probe) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return probe;
    }

    static String sha256(byte[] data)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
