package io.cairn.storage.s3;

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
import io.cairn.storage.s3.FaultProxy.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;

import static io.cairn.storage.s3.TestS3StoreUnderFaults.BUCKET;
import static io.cairn.storage.s3.TestS3StoreUnderFaults.STALL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training on S3 through a {@link FaultProxy} injecting every kind of fault into a share of requests:
 * each run ends with every save committed after retries and a final checkpoint equal to a fault-free
 * run's, or with a save that fails cleanly (its step not committed, one line naming the step, the store
 * and the cause); never a committed checkpoint that fails verify, never a hang. Reads under faults
 * succeed or fail naming the object and the store.
 */
@Timeout(170)
class TestS3TrainingUnderFaults
{
    private static final long SEED = 42;
    private static final int STEPS = 500;
    private static final int SAVES_UNDER_FAULTS = 200;
    private static final int EVERY = 10;
    // -Dcairn.faults.rate=0.25 -Dcairn.faults.kinds=STALL -Djunit.jupiter.execution.timeout.mode=disabled: the stall-only runs of docs/reliability.md
    private static final double RATE = Double.parseDouble(System.getProperty("cairn.faults.rate", "0.10"));
    private static final List<Fault> KINDS = System.getProperty("cairn.faults.kinds") == null
            ? List.of(Fault.values())
            : Arrays.stream(System.getProperty("cairn.faults.kinds").split(",")).map(String::trim).map(Fault::valueOf).toList();

    private static S3ProxyServer server;
    private static FaultProxy proxy;

    @BeforeAll
    static void start()
            throws Exception
    {
        server = S3ProxyServer.start();
        server.createBucket(BUCKET);
        proxy = FaultProxy.start(server.port(), SEED, STALL);
        TestS3StoreUnderFaults.warmUp(server, proxy, BUCKET);
    }

    @AfterAll
    static void stop()
            throws Exception
    {
        System.err.println("FaultProxy injected " + proxy.injected() + " into " + proxy.requests().size() + " requests");
        proxy.close();
        server.close();
    }

    private record Run(String run, List<Long> committed, Optional<Throwable> failure) {}

    @Test
    void savesUnderFaultsCommitOrFailCleanlyAndMatchAFaultFreeRun()
            throws Exception
    {
        Run reference = train("reference", STEPS);
        assertThat(reference.failure()).isEmpty();
        List<String> expected = finalFiles("reference", reference.run());

        List<Long> allSteps = LongStream.rangeClosed(1, STEPS / EVERY).map(step -> step * EVERY).boxed().toList();
        int saves = 0;
        // runs until enough saves were made under faults: each run either commits every save or fails one cleanly
        for (int i = 0; saves < SAVES_UNDER_FAULTS && i < 8; i++) {
            String prefix = "faulty-" + i;
            int before = proxy.totalInjected();
            proxy.randomFaults(RATE, KINDS);
            Run run;
            try {
                run = train(prefix, STEPS);
            }
            finally {
                proxy.randomFaults(0, List.of(Fault.values()));
            }
            assertThat(proxy.totalInjected()).isGreaterThan(before);
            saves += run.committed().size();
            System.err.println("Run " + prefix + ": " + run.committed().size() + " saves committed under faults; "
                    + run.failure().map(failure -> "then failed: " + failure).orElse("none failed"));
            if (run.failure().isEmpty()) {
                assertThat(run.committed()).isEqualTo(allSteps);
                assertThat(finalFiles(prefix, run.run())).isEqualTo(expected);
            }
            else {
                // a clean failure: one line naming the store and the cause; the failed step has no manifest
                String message = run.failure().get().getMessage();
                assertThat(message).doesNotContain("\n").contains("s3://" + BUCKET + "/" + prefix);
                try (CheckpointStore store = CheckpointStores.discover().open(server.uri(BUCKET, prefix));
                        CheckpointRepository repository = CheckpointRepository.open(store)) {
                    assertThat(repository.checkpoints(run.run()).stream().map(Manifest::step).toList()).isEqualTo(run.committed());
                }
            }
            assertEveryCheckpointVerifies(prefix);
        }
        assertThat(saves).isGreaterThanOrEqualTo(SAVES_UNDER_FAULTS);
    }

    @Test
    void manifestCommitWhoseResponseIsLostReadsItBack()
            throws Exception
    {
        proxy.injectNext(Fault.STALL, request -> request.method().equals("PUT") && "*".equals(request.headers().get("if-none-match"))
                && request.target().contains("/checkpoints/"));
        int stalls = proxy.injected(Fault.STALL);
        Run run = train("lost-commit", 30);
        assertThat(run.failure()).isEmpty();
        assertThat(run.committed()).containsExactly(10L, 20L, 30L);
        assertThat(proxy.injected(Fault.STALL)).isEqualTo(stalls + 1);
        assertEveryCheckpointVerifies("lost-commit");
    }

    @Test
    void readsUnderFaultsSucceedOrNameTheObjectAndStore(@TempDir Path temp)
            throws Exception
    {
        Run written = train("reads", 200);
        assertThat(written.failure()).isEmpty();
        proxy.randomFaults(RATE, List.of(Fault.values()));
        int succeeded = 0;
        List<String> failures = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                try (CheckpointStore store = CheckpointStores.discover().open(TestS3StoreUnderFaults.uri(server, proxy, BUCKET, "reads"));
                        CheckpointRepository repository = CheckpointRepository.open(store);
                        Model model = model()) {
                    Manifest latest = repository.latest(written.run()).orElseThrow();
                    assertThat(repository.checkpoints(written.run())).hasSize(20);
                    repository.restore(latest, model);
                    repository.materialize(latest, temp.resolve("m" + i));
                    assertThat(repository.verify(latest)).isEmpty();
                    succeeded++;
                }
                catch (IOException e) {
                    failures.add(e.getMessage());
                }
            }
        }
        finally {
            proxy.randomFaults(0, List.of(Fault.values()));
        }
        assertThat(failures).allSatisfy(message -> assertThat(message).contains("s3://" + BUCKET + "/reads"));
        assertThat(succeeded).isGreaterThan(0);
    }

    private static Run train(String prefix, int steps)
            throws IOException
    {
        String uri = TestS3StoreUnderFaults.uri(server, proxy, BUCKET, prefix);
        try (CheckpointStore store = CheckpointStores.discover().open(uri);
                CheckpointRepository repository = CheckpointRepository.create(store, 4096, 4);
                Model model = model()) {
            Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults());
            Optional<Throwable> failure = Optional.empty();
            try (checkpointer) {
                new Trainer(model).fit(Datasets.random(1000, 100, 5, SEED), FitOptions.of(1000, 32, SEED).withMaxSteps(steps),
                        List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(EVERY), SaveKind.WEIGHTS, false)));
                checkpointer.awaitPending();
            }
            catch (RuntimeException e) {
                failure = Optional.of(e);
            }
            return new Run(checkpointer.run(), checkpointer.committedSteps(), failure);
        }
    }

    private static Model model()
    {
        Model model = Sequential.mlp(100, 10, 5).seed(SEED).build();
        model.initialize();
        return model;
    }

    private static List<String> finalFiles(String prefix, String run)
            throws IOException
    {
        try (CheckpointStore store = CheckpointStores.discover().open(server.uri(BUCKET, prefix));
                CheckpointRepository repository = CheckpointRepository.open(store)) {
            Manifest latest = repository.latest(run).orElseThrow();
            assertThat(latest.step()).isEqualTo(STEPS);
            return latest.files().stream().map(file -> file.path() + " " + file.sha256()).toList();
        }
    }

    private static void assertEveryCheckpointVerifies(String prefix)
            throws IOException
    {
        try (CheckpointStore store = CheckpointStores.discover().open(server.uri(BUCKET, prefix));
                CheckpointRepository repository = CheckpointRepository.open(store)) {
            for (Manifest manifest : repository.checkpoints()) {
                assertThat(repository.verify(manifest)).as("run %s step %s", manifest.run(), manifest.step()).isEmpty();
            }
        }
    }
}
