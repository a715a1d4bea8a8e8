package io.cairn.examples;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.RetentionPolicy;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.data.Dataset;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.train.TrainerState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.cairn.examples.SeedSetup.BATCH_SIZE;
import static io.cairn.examples.SeedSetup.SEED;

/**
 * The continual-learning case of the checkpointing write-up Cairn started from: "the full model architecture can be preserved in memory, and
 * only parameters are updated and saved". A long-lived trainer keeps its model in memory and learns
 * from each new batch of data as it arrives, saving only the weights after each round and keeping the
 * last two. A serving replica keeps its own model in memory and refreshes it from the newest weights
 * checkpoint after each round: no graph is rebuilt and no SavedModel reloaded, so a refresh costs the
 * weights' bytes, verified.
 *
 * <p>Usage: {@code ContinualLearning [store-uri]} (default {@code file:./checkpoints-continual}).
 */
public final class ContinualLearning
{
    static final String DEFAULT_STORE = "file:./checkpoints-continual";
    static final int ROUNDS = 4;
    static final int SAMPLES_PER_ROUND = 256;
    static final int KEEP_LAST = 2;

    private ContinualLearning() {}

    public static void main(String[] args)
            throws IOException
    {
        Result result = run(SeedSetup.storeUri(args, DEFAULT_STORE));
        for (int round = 0; round < ROUNDS; round++) {
            System.out.printf("Round %d: trained to step %d; the replica served step %d after a %.2f ms refresh%n",
                    round + 1, result.committedSteps().get(round), result.servedSteps().get(round), result.refreshMillis().get(round));
        }
        System.out.println("Weight checkpoints kept: " + result.keptSteps() + (result.replicaAlwaysMatched()
                ? "; after every refresh the replica predicted exactly as the trainer"
                : "; MISMATCH: after a refresh the replica predicted differently from the trainer"));
    }

    /**
     * @param committedSteps the step each round committed
     * @param servedSteps the step the replica served after each round's refresh
     * @param refreshMillis how long each refresh (restore into the replica's model) took
     * @param replicaAlwaysMatched whether, after every refresh, the replica predicted exactly as the trainer
     * @param replicaAlwaysStale whether, before every refresh, the replica predicted differently (the
     * refresh is what brought it up to date)
     * @param keptSteps the checkpoints retention left on the store
     */
    public record Result(List<Long> committedSteps, List<Long> servedSteps, List<Double> refreshMillis, boolean replicaAlwaysMatched, boolean replicaAlwaysStale, List<Long> keptSteps) {}

    public static Result run(String storeUri)
            throws IOException
    {
        float[][] probe = SeedSetup.probe(SeedSetup.data());
        List<Long> served = new ArrayList<>();
        List<Double> refreshMillis = new ArrayList<>();
        boolean matched = true;
        boolean stale = true;
        try (CheckpointStore store = CheckpointStores.discover().open(storeUri);
                CheckpointRepository repository = CheckpointRepository.create(store);
                Model trainer = SeedSetup.model();
                Model replica = SeedSetup.model()) {
            Checkpointer checkpointer = Checkpointer.startRun(repository, trainer, CheckpointerOptions.defaults().withRetention(RetentionPolicy.keepLast(KEEP_LAST)));
            try (checkpointer) {
                long step = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    // new data arrives: one pass over it, in arrival order
                    Dataset arrived = Datasets.random(SAMPLES_PER_ROUND, 100, 5, SEED + 1 + round);
                    SeedSetup.EpochMetrics metric = new SeedSetup.EpochMetrics();
                    int[] order = arrived.order(SEED, 0, false);
                    for (int i = 0; i < arrived.batchesPerEpoch(BATCH_SIZE); i++) {
                        try (Dataset.Batch batch = arrived.batch(order, i, BATCH_SIZE)) {
                            metric.add(trainer.trainStep(batch.features(), batch.labels()), batch.size());
                        }
                        step++;
                    }
                    checkpointer.save(SaveKind.WEIGHTS, TrainerState.at(step, round + 1, 0), metric.asMap());
                    // only for the demonstration: a real replica polls the store on its own schedule
                    checkpointer.awaitPending();

                    // the replica: the newest weights into the model it already holds
                    Manifest latest = repository.latest(checkpointer.run())
                            .orElseThrow(() -> new IllegalStateException("Run " + checkpointer.run() + " committed no checkpoint"));
                    stale &= !Arrays.deepEquals(replica.predict(probe), trainer.predict(probe));
                    long started = System.nanoTime();
                    repository.restore(latest, replica);
                    refreshMillis.add((System.nanoTime() - started) / 1e6);
                    served.add(latest.step());
                    matched &= Arrays.deepEquals(replica.predict(probe), trainer.predict(probe));
                }
            }
            List<Long> kept = repository.checkpoints(checkpointer.run()).stream().map(Manifest::step).toList();
            return new Result(checkpointer.committedSteps(), served, refreshMillis, matched, stale, kept);
        }
    }
}
