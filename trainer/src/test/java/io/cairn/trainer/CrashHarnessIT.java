package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The crash harness: {@code cairn train} in child JVMs, killed with SIGKILL ({@code destroyForcibly})
 * at seeded points of a run that saves every 5 steps and keeps the last 2, so that kills land in
 * snapshots, uploads, commits and retention deletes. After each kill every listed checkpoint verifies
 * and restores, and {@code cairn train --resume} (the killed writer's lease is taken over at once: it
 * ran on this host and its process is gone) ends with the same bytes as an uninterrupted run. Then
 * {@code cairn gc} is killed inside its sweep of what the kills left and of a save that never
 * committed: no referenced chunk goes, every checkpoint still verifies and restores, and a second gc
 * sweeps the rest.
 *
 * <p>Kills are placed by the child's own progress, not by a clock measured on another run: a
 * child's pace here varies severalfold with the load around it, and a resume has less left to do than
 * a new run, so kills drawn over a reference run's window landed after the child had ended. A train
 * kill picks a seeded one of the saves the child has left and waits for its log to show the commit
 * before it (or the child's first snapshot), then a seeded share of the child's own time per save:
 * kills land, uniformly in time, in the uploads, commits and retention deletes of any save.
 * A gc kill picks a seeded chunk among those its sweep deletes before its last delete request, in the
 * store's listing order (the order gc deletes in), and kills once that chunk is gone.
 *
 * <p>Too slow for every build (two child JVMs per kill); {@code -Pcrash} runs it, as {@code .ci/run}
 * does. {@code -Dcairn.crash.seed}, {@code .localRuns} and {@code .s3Runs} replay or narrow a run: the
 * kill of run {@code i} is drawn from {@code new SplittableRandom(seed * 1_000 + i)}, the orphaned
 * chunks and the gc kill of chain {@code c} from {@code seed * 1_000 + 999 - c}.
 */
@EnabledIfSystemProperty(named = "cairn.crash", matches = "true")
class CrashHarnessIT
{
    private static final long TIMEOUT_MINUTES = 2;
    private static final long SEED = Long.getLong("cairn.crash.seed", 20261202L);
    private static final int LOCAL_RUNS = Integer.getInteger("cairn.crash.localRuns", 30);
    private static final int S3_RUNS = Integer.getInteger("cairn.crash.s3Runs", 10);
    // enough for a sweep of a few hundred milliseconds on local disk, and for two of the S3 store's delete requests
    private static final int LOCAL_ORPHANS = 1_000;
    private static final int S3_ORPHANS = 1_200;
    // S3CheckpointStore deletes 1,000 keys a request; a server finishes a request whose sender died
    private static final int S3_DELETE_BATCH = 1_000;
    private static final int ORPHAN_BYTES = 512;
    private static final int PLANT_THREADS = 8;
    // the gc kill's chunk is drawn among this share of the deletes before the last request, so that one is never sent
    private static final double GC_KILL_SHARE = 0.8;
    private static final String[] FLAGS = {"--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32",
            "--mode", "state", "--save-every-steps", "5", "--chunk-size", "4KiB"};
    private static final long SAVE_EVERY = 5;
    private static final int KEEP_LAST = 2;
    private static final long LAST_STEP = 160;
    // long chains: a chain's final resume and its gc kill are the harness's costliest steps after the kills
    private static final int KILLS_PER_CHAIN = 5;
    // slf4j-simple starts each line with the milliseconds since the child's logging started
    private static final Pattern SNAPSHOT = Pattern.compile("(?m)^(\\d+) \\[main\\] DEBUG .*Checkpointer - Step (\\d+): waited");
    private static final Pattern COMMITTED = Pattern.compile("(?m)^(\\d+) \\[\\S+\\] DEBUG .*committed step (\\d+):");
    private static final Pattern SWEEPING = Pattern.compile("(?m)^(\\d+) \\[main\\] DEBUG .*GarbageCollector - Sweeping (\\d+) unreferenced");
    private static final Pattern TIMESTAMPED = Pattern.compile("(?m)^(\\d+) \\[");
    private static final Pattern RESUMED = Pattern.compile("Resuming run \\S+ from step (\\d+)");
    private static final Pattern GC_DELETED = Pattern.compile("; deleted (\\d+)");
    // the repository layout (docs/architecture.md): chunks/<first 2 hex digits>/<sha256>
    private static final String CHUNKS = "chunks/";
    private static final Pattern CHUNK_KEY = Pattern.compile("chunks/([0-9a-f]{2})/(\\1[0-9a-f]{62})");

    @TempDir
    Path temp;

    @Test
    void killedLocalRunsLeaveOnlyCompleteCheckpointsAndResumeBitIdentically()
            throws Exception
    {
        harness("local", LOCAL_RUNS, LOCAL_ORPHANS, 1, false, i -> temp.resolve("store-" + i).toString());
    }

    @Test
    void killedS3RunsLeaveOnlyCompleteCheckpointsAndResumeBitIdentically()
            throws Exception
    {
        try (S3ProxyServer server = S3ProxyServer.start()) {
            server.createBucket("crash");
            harness("s3", S3_RUNS, S3_ORPHANS, S3_DELETE_BATCH, true, i -> server.uri("crash", "store-" + i));
        }
    }

    /**
     * @param deleteBatch how many chunks the store deletes in one request
     * @param remote whether the store is a server, which may finish a dead child's last request after the kill
     */
    private void harness(String name, int kills, int orphans, int deleteBatch, boolean remote, IntFunction<String> stores)
            throws Exception
    {
        long started = System.nanoTime();
        Reference reference = reference(stores.apply(-1));
        Map<String, Integer> phases = new TreeMap<>();
        Map<String, Integer> gcPhases = new TreeMap<>();
        List<String> lines = new ArrayList<>();
        long gcMillis = 0;
        long plantMillis = 0;
        int done = 0;
        int chains = 0;
        for (int chain = 0; done < kills; chain++, chains++) {
            // a chain: the run killed, then its resumes killed, KILLS_PER_CHAIN times, then resumed to the end
            String store = stores.apply(chain);
            String run = null;
            Set<String> unreferenced = Set.of();
            for (int link = 0; link < KILLS_PER_CHAIN && done < kills; link++, done++) {
                long killStarted = System.nanoTime();
                Kill kill = trainAndKill(store, link > 0, new SplittableRandom(SEED * 1_000 + done), reference);
                String what = name + " kill " + done + " (seed " + SEED + ", chain " + chain + ", " + kill.how() + ")";
                Observation seen = observe(store, kill, unreferenced, reference, remote);
                unreferenced = seen.unreferenced();
                phases.merge(seen.phase(), 1, Integer::sum);
                assertEveryCheckpointVerifiesAndRestores(store, what + ", " + seen);
                lines.add(what + ": " + seen + " [" + (System.nanoTime() - killStarted) / 1_000_000 + " ms]");
                if (!kill.child().killed()) {
                    assertThat(kill.child().exitCode()).as(what + ": " + kill.child().output()).isZero();
                    run = runOf(kill.child());
                    done++;
                    break;
                }
                if (seen.newest() == LAST_STEP) {
                    // the run has saved its last step: a resume has nothing left to kill, and only takes over its lease
                    done++;
                    break;
                }
            }
            String what = name + " chain " + chain + " (seed " + SEED + ")";
            if (run == null) {
                long resumeStarted = System.nanoTime();
                Child resumed = train(store, true);
                assertThat(resumed.exitCode()).as(what + ", resume: " + resumed.output()).isZero();
                run = runOf(resumed);
                lines.add(what + ": resumed to the end [" + (System.nanoTime() - resumeStarted) / 1_000_000 + " ms]");
            }
            assertThat(finalDataFileHash(store, run)).as(what + ": the resumed run's step " + LAST_STEP + " against the uninterrupted run's")
                    .isEqualTo(reference.finalHash());
            assertEveryCheckpointVerifiesAndRestores(store, what + " after the resume");

            long gcStarted = System.nanoTime();
            SplittableRandom random = new SplittableRandom(SEED * 1_000 + 999 - chain);
            plantOrphans(store, orphans, random);
            plantMillis += (System.nanoTime() - gcStarted) / 1_000_000;
            GcKill gcKill = gcAndKill(store, random.nextDouble(), deleteBatch, remote);
            gcPhases.merge(gcKill.phase(), 1, Integer::sum);
            assertEveryCheckpointVerifiesAndRestores(store, what + " after the gc kill");
            assertThat(finalDataFileHash(store, run)).as(what + " after the gc kill").isEqualTo(reference.finalHash());
            long gcChain = (System.nanoTime() - gcStarted) / 1_000_000;
            gcMillis += gcChain;
            lines.add(what + ": " + gcKill + " [" + gcChain + " ms]");
        }
        String report = name + ": " + kills + " kills of train and " + chains + " of gc in " + (System.nanoTime() - started) / 1_000_000 + " ms, of which "
                + gcMillis + " ms planting " + orphans + " orphaned chunks per chain (" + plantMillis + " ms), killing gc and checking after it\n"
                + "train kills by phase " + phases + "\ngc kills by phase " + gcPhases + "\n" + String.join("\n", lines) + "\n";
        System.out.print(report);
        Path target = Path.of(System.getProperty("cairn.trainer.jar")).getParent();
        Files.writeString(target.resolve("crash-harness-" + name + ".txt"), report, StandardCharsets.UTF_8);
    }

    /**
     * The uninterrupted run, which keeps every checkpoint: the bytes a resumed run must end with, how
     * long a fresh JVM's first save took from snapshot to commit and its second from commit to commit
     * (by its log's clock), which steps reference each chunk, and each step's chunks.
     */
    private record Reference(String finalHash, long firstSave, long secondSave, Map<String, Set<Long>> chunkSteps, Map<Long, Set<String>> stepChunks) {}

    private Reference reference(String store)
            throws Exception
    {
        Child child = await(start(store, false, false), "cairn train");
        assertThat(child.exitCode()).as(child.output()).isZero();
        String run = runOf(child);
        Map<String, Set<Long>> chunkSteps = new HashMap<>();
        Map<Long, Set<String>> stepChunks = new HashMap<>();
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            List<Manifest> manifests = repository.checkpoints(run);
            assertThat(manifests).hasSize((int) (LAST_STEP / SAVE_EVERY));
            for (Manifest manifest : manifests) {
                Set<String> chunks = new HashSet<>();
                manifest.files().forEach(file -> chunks.addAll(file.chunks()));
                chunks.forEach(chunk -> chunkSteps.computeIfAbsent(chunk, ignored -> new TreeSet<>()).add(manifest.step()));
                stepChunks.put(manifest.step(), chunks);
            }
        }
        Map<Long, Long> snapshots = byStep(SNAPSHOT, child.output());
        Map<Long, Long> commits = byStep(COMMITTED, child.output());
        return new Reference(finalDataFileHash(store, run), commits.get(SAVE_EVERY) - snapshots.get(SAVE_EVERY),
                commits.get(2 * SAVE_EVERY) - commits.get(SAVE_EVERY), chunkSteps, stepChunks);
    }

    // the log clock's time of each step's line
    private static Map<Long, Long> byStep(Pattern line, String output)
    {
        Map<Long, Long> millis = new HashMap<>();
        Matcher matcher = line.matcher(output);
        while (matcher.find()) {
            millis.put(Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(1)));
        }
        assertThat(millis).as(output).containsKeys(SAVE_EVERY, 2 * SAVE_EVERY);
        return millis;
    }

    private static long millis(Pattern line, String output)
    {
        Matcher matcher = line.matcher(output);
        assertThat(matcher.find()).as(output).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    // the last match's last group
    private static long last(Pattern pattern, String output)
    {
        long last = 0;
        Matcher matcher = pattern.matcher(output);
        while (matcher.find()) {
            last = Math.max(last, Long.parseLong(matcher.group(matcher.groupCount())));
        }
        return last;
    }

    /**
     * Chunks of a save that never committed, as a writer killed mid-upload leaves them: random bytes
     * under their own hash, written through the store.
     */
    private static void plantOrphans(String store, int count, SplittableRandom random)
            throws Exception
    {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] chunk = new byte[ORPHAN_BYTES];
            random.nextBytes(chunk);
            chunks.add(chunk);
        }
        ExecutorService writers = Executors.newFixedThreadPool(PLANT_THREADS);
        try (CheckpointStore target = CheckpointStores.discover().open(store)) {
            List<Future<?>> writes = new ArrayList<>();
            for (byte[] chunk : chunks) {
                writes.add(writers.submit(() -> {
                    String hash = sha256(chunk);
                    target.write(CHUNKS + hash.substring(0, 2) + "/" + hash, new ByteArrayInputStream(chunk), chunk.length);
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        }
        finally {
            writers.shutdownNow();
        }
    }

    private static String sha256(byte[] data)
            throws NoSuchAlgorithmException
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /**
     * The chunks in a store, by hash, those its listed checkpoints reference, and the keys of the
     * others in the store's listing order: the order gc deletes them in.
     */
    private record Chunks(Set<String> stored, Set<String> referenced, List<Long> manifests, List<String> unreferencedKeys)
    {
        static Chunks of(CheckpointRepository repository)
                throws IOException
        {
            Set<String> referenced = new HashSet<>();
            List<Manifest> manifests = repository.checkpoints();
            manifests.forEach(manifest -> manifest.files().forEach(file -> referenced.addAll(file.chunks())));
            Set<String> stored = new HashSet<>();
            List<String> unreferencedKeys = new ArrayList<>();
            for (String key : repository.store().list(CHUNKS)) {
                Matcher chunk = CHUNK_KEY.matcher(key);
                if (chunk.matches()) {
                    stored.add(chunk.group(2));
                    if (!referenced.contains(chunk.group(2))) {
                        unreferencedKeys.add(key);
                    }
                }
            }
            return new Chunks(stored, referenced, manifests.stream().map(Manifest::step).toList(), unreferencedKeys);
        }

        /**
         * The store's chunks once a server has finished what a killed child had sent it: two listings
         * a moment apart agree.
         */
        static Chunks settled(CheckpointRepository repository, boolean remote)
                throws IOException, InterruptedException
        {
            Chunks chunks = of(repository);
            while (remote) {
                Thread.sleep(200);
                Chunks again = of(repository);
                if (again.stored().equals(chunks.stored()) && again.manifests().equals(chunks.manifests())) {
                    break;
                }
                chunks = again;
            }
            return chunks;
        }

        Set<String> unreferenced()
        {
            Set<String> unreferenced = new HashSet<>(stored);
            unreferenced.removeAll(referenced);
            return unreferenced;
        }
    }

    /**
     * What the store and the child's debug log show after a kill of {@code cairn train}, and the save
     * phase the kill hit. The store says what was committed and what retention had not deleted yet;
     * the chunks the kill left unreferenced say what it interrupted, by the steps of the reference run
     * that reference them: a later step's (an upload, or its commit once every chunk of the save is
     * there), or an older one's whose manifest retention had deleted (retention's chunk deletes).
     */
    private record Observation(String phase, Kill kill, long snapshotted, long committedLogged, List<Long> manifests, Set<String> unreferenced,
            int uploaded, int retained, int unknown)
    {
        long newest()
        {
            return manifests.isEmpty() ? 0 : manifests.get(manifests.size() - 1);
        }

        @Override
        public String toString()
        {
            return phase + " (" + kill.timing() + "; last snapshot " + snapshotted + ", last logged commit " + committedLogged + ", manifests " + manifests
                    + ", " + unreferenced.size() + " unreferenced chunks, new: " + uploaded + " of later steps, " + retained + " of deleted ones"
                    + (unknown > 0 ? ", " + unknown + " of no reference step" : "") + ")";
        }
    }

    private static Observation observe(String store, Kill kill, Set<String> unreferencedBefore, Reference reference, boolean remote)
            throws IOException, InterruptedException
    {
        String output = kill.child().output();
        long snapshotted = last(SNAPSHOT, output);
        // a resumed child commits after the step it resumed from
        long committed = Math.max(last(COMMITTED, output), last(RESUMED, output));
        Chunks chunks;
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            chunks = Chunks.settled(repository, remote);
        }
        List<Long> manifests = chunks.manifests();
        long newest = manifests.isEmpty() ? 0 : manifests.get(manifests.size() - 1);
        long oldest = manifests.isEmpty() ? Long.MAX_VALUE : manifests.get(0);
        int uploaded = 0;
        int retained = 0;
        int unknown = 0;
        Set<String> unreferenced = chunks.unreferenced();
        for (String chunk : unreferenced) {
            if (unreferencedBefore.contains(chunk)) {
                continue;
            }
            Set<Long> steps = reference.chunkSteps().getOrDefault(chunk, Set.of());
            if (steps.isEmpty()) {
                unknown++;
            }
            else if (steps.stream().anyMatch(step -> step > newest)) {
                uploaded++;
            }
            else if (steps.stream().allMatch(step -> step < oldest)) {
                retained++;
            }
        }
        String phase;
        if (!kill.child().killed()) {
            phase = "none (finished first)";
        }
        else if (newest > committed) {
            phase = "commit (manifest written, not yet logged)";
        }
        else if (manifests.size() > KEEP_LAST) {
            phase = "retention (manifests)";
        }
        else if ((uploaded > 0 || unknown > 0) && chunks.stored().containsAll(reference.stepChunks().get(newest + SAVE_EVERY))) {
            phase = "commit (every chunk of the next save written, its manifest not)";
        }
        else if (uploaded > 0 || unknown > 0) {
            phase = "upload";
        }
        else if (retained > 0) {
            phase = "retention (chunks)";
        }
        else if (snapshotted > committed) {
            phase = "snapshot/queued (no chunk written yet)";
        }
        else if (committed == LAST_STEP) {
            phase = output.contains("\n{") ? "exit (after its summary)" : "exit (after the last commit, before its summary)";
        }
        else {
            phase = "training (no save in flight)";
        }
        return new Observation(phase, kill, snapshotted, committed, manifests, unreferenced, uploaded, retained, unknown);
    }

    private static void assertEveryCheckpointVerifiesAndRestores(String store, String what)
            throws IOException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store));
                Model model = Sequential.mlp(100, 10, 5).seed(42).build()) {
            model.initialize();
            for (Manifest manifest : repository.checkpoints()) {
                assertThat(repository.verify(manifest)).as(what + ": step " + manifest.step() + " verifies").isEmpty();
                assertThat(repository.restore(manifest, model)).as(what + ": step " + manifest.step() + " restores its trainer state").isPresent()
                            .get().extracting(state -> state.step()).isEqualTo(manifest.step());
            }
        }
    }

    private static String finalDataFileHash(String store, String run)
            throws IOException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            Manifest last = repository.latest(run).orElseThrow();
            assertThat(last.step()).isEqualTo(LAST_STEP);
            return last.file(Scenarios.DATA_FILE).orElseThrow().sha256();
        }
    }

    private static String runOf(Child train)
            throws IOException
    {
        String output = train.output();
        JsonNode json = new ObjectMapper().readTree(output.substring(output.lastIndexOf("\n{") + 1));
        return json.get("run").asText();
    }

    private record Child(int exitCode, boolean killed, String output) {}

    /**
     * A child killed (or ended first) as {@code how} says; {@code killedAt} is the kill on the child's
     * log clock, from when the parent saw the line it waited for.
     */
    private record Kill(Child child, String how, long killedAt)
    {
        String timing()
        {
            if (!child.killed()) {
                return "ended first";
            }
            Matcher matcher = TIMESTAMPED.matcher(child.output());
            long lastLine = 0;
            while (matcher.find()) {
                lastLine = Long.parseLong(matcher.group(1));
            }
            return "killed at ~" + killedAt + " ms, " + (killedAt - lastLine) + " ms after its last log line";
        }
    }

    private Child train(String store, boolean resume)
            throws IOException, InterruptedException
    {
        return await(start(store, resume, true), "cairn train");
    }

    private static Child await(Launched child, String what)
            throws IOException, InterruptedException
    {
        if (!child.process().waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            child.process().destroyForcibly().waitFor();
            fail(what + " did not finish within " + TIMEOUT_MINUTES + " minutes; its output:\n" + child.output());
        }
        return child.ended(false);
    }

    /**
     * Kills a train child a seeded share of its time per save after the commit before a seeded one of
     * the saves it has left, or after its first snapshot. Its first two saves are timed by the
     * reference run's.
     */
    private Kill trainAndKill(String store, boolean resume, SplittableRandom random, Reference reference)
            throws IOException, InterruptedException
    {
        Launched child = start(store, resume, true);
        Optional<Seen> first = child.await(SNAPSHOT, step -> true);
        String who = resume ? "resume from step " + last(RESUMED, child.output()) : "train";
        if (first.isEmpty()) {
            // a resume of a run that had saved its last step has nothing to save
            return new Kill(await(child, "cairn train"), who + ", ended before its first save", 0);
        }
        long firstStep = first.get().value();
        // none of its saves' commits, or one before the last: the kill lands in the work of the save after it
        int commits = random.nextInt((int) ((LAST_STEP - firstStep) / SAVE_EVERY) + 1);
        Seen anchor = first.get();
        long interval = reference.firstSave();
        if (commits > 0) {
            Optional<Seen> firstCommit = child.await(COMMITTED, step -> step >= firstStep);
            long target = firstStep + SAVE_EVERY * (commits - 1);
            Optional<Seen> seen = commits == 1 ? firstCommit : child.await(COMMITTED, step -> step >= target);
            if (seen.isEmpty()) {
                return new Kill(await(child, "cairn train"), who + ", ended before its commit of step " + target, 0);
            }
            anchor = seen.get();
            interval = commits == 1 ? reference.secondSave() : (anchor.millis() - firstCommit.get().millis()) / (commits - 1);
        }
        long delay = (long) (random.nextDouble() * interval);
        return kill(child, anchor, delay, who + ", killed " + delay + " ms after its " + (commits == 0 ? "first snapshot" : "commit") + " of step "
                + anchor.value() + " (" + interval + " ms a save)");
    }

    private static Kill kill(Launched child, Seen seen, long delay, String how)
            throws IOException, InterruptedException
    {
        boolean ended = child.process().waitFor(delay, TimeUnit.MILLISECONDS);
        return killUnlessEnded(child, seen, ended, how);
    }

    private static Kill killUnlessEnded(Launched child, Seen seen, boolean ended, String how)
            throws IOException, InterruptedException
    {
        long now = System.nanoTime();
        if (!ended) {
            child.process().destroyForcibly();
            assertThat(child.process().waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)).isTrue();
        }
        long killedAt = seen.millis() + (now - seen.nanos()) / 1_000_000;
        return new Kill(child.ended(!ended), how, killedAt);
    }

    /**
     * A gc kill, the unreferenced chunks before it and after it (once the store settled), and the
     * phase the kill hit, told by what the sweep had deleted; then what a second gc deleted, in how long.
     */
    private record GcKill(Kill kill, int unreferencedBefore, int unreferencedAfter, int sweptAfter, long gcMillisAfter)
    {
        String phase()
        {
            if (!kill.child().killed()) {
                return "none (gc finished first)";
            }
            if (unreferencedAfter == unreferencedBefore) {
                return "before its sweep";
            }
            return unreferencedAfter == 0 ? "after its sweep" : "mid-sweep";
        }

        @Override
        public String toString()
        {
            String when = kill.child().killed() ? "killed ~" + (kill.killedAt() - millis(SWEEPING, kill.child().output())) + " ms into its sweep" : "ended first";
            return "gc " + kill.how() + ": " + phase() + " (" + when + "; " + unreferencedBefore + " unreferenced chunks before, " + unreferencedAfter
                    + " after; the next gc (in this JVM) deleted " + sweptAfter + " in " + gcMillisAfter + " ms)";
        }
    }

    /**
     * Kills gc inside its sweep: once a seeded one of the chunks it deletes before its last delete
     * request is gone.
     */
    private GcKill gcAndKill(String store, double share, int deleteBatch, boolean remote)
            throws IOException, InterruptedException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            Chunks before = Chunks.of(repository);
            List<String> order = before.unreferencedKeys();
            int index = (int) (share * GC_KILL_SHARE * Math.max(1, order.size() - deleteBatch));
            String mark = order.get(index);
            String how = "killed once unreferenced chunk " + (index + 1) + " of " + order.size() + " (in its delete order) was gone";
            Launched child = launch(List.of("gc", "--store", store));
            Optional<Seen> sweeping = child.await(SWEEPING, count -> true);
            if (sweeping.isEmpty()) {
                fail("cairn gc ended before its sweep; its output:\n" + child.output());
            }
            boolean ended = false;
            while (repository.store().exists(mark)) {
                if (!child.process().isAlive()) {
                    ended = true;
                    break;
                }
                Thread.sleep(1);
            }
            Kill kill = killUnlessEnded(child, sweeping.get(), ended, how);
            if (!kill.child().killed()) {
                assertThat(kill.child().exitCode()).as(kill.child().output()).isZero();
            }
            Chunks after = Chunks.settled(repository, remote);
            String what = "gc " + how + ", " + order.size() + " unreferenced chunks before, " + after.unreferencedKeys().size() + " after";
            assertThat(after.manifests()).as(what + ": the checkpoints").isEqualTo(before.manifests());
            assertThat(after.stored()).as(what + ": no referenced chunk deleted").containsAll(before.referenced());
            assertThat(before.stored()).as(what + ": nothing but deletes").containsAll(after.stored());

            // the second gc runs the command in this JVM: a child's start would add seconds and nothing it checks
            long againStarted = System.nanoTime();
            CliRun again = CliRun.cairn("gc", "--store", store);
            long againMillis = (System.nanoTime() - againStarted) / 1_000_000;
            assertThat(again.exitCode()).as(what + ", then gc again: " + again).isZero();
            assertThat(Chunks.of(repository).unreferencedKeys()).as(what + ", then gc again: " + again).isEmpty();
            int swept = (int) last(GC_DELETED, again.err());
            assertThat(swept).as(what + ", then gc again swept the rest: " + again).isEqualTo(after.unreferencedKeys().size());
            return new GcKill(kill, order.size(), after.unreferencedKeys().size(), swept, againMillis);
        }
    }

    /**
     * When the parent saw a line, the line's time on the child's log clock, and its last number.
     */
    private record Seen(long nanos, long millis, long value) {}

    /**
     * A child JVM whose output goes to a file (a child that hangs cannot block on a full pipe), read as
     * it grows.
     */
    private static final class Launched
    {
        private final java.lang.Process process;
        private final Path log;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private SeekableByteChannel reader;

        Launched(java.lang.Process process, Path log)
        {
            this.process = process;
            this.log = log;
        }

        java.lang.Process process()
        {
            return process;
        }

        String output()
        {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        // once the child has ended
        Child ended(boolean killed)
                throws IOException
        {
            if (reader != null) {
                reader.close();
            }
            return new Child(process.exitValue(), killed, output());
        }

        /**
         * Waits for a line that matches and whose last number is accepted, among the lines written
         * since the last call; empty if the child ended first.
         */
        Optional<Seen> await(Pattern pattern, LongPredicate accept)
                throws IOException, InterruptedException
        {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
            while (true) {
                // alive before reading: a line written just before the child ended is still read
                boolean alive = process.isAlive();
                for (String text : newLines()) {
                    Matcher matcher = pattern.matcher(text);
                    if (matcher.find()) {
                        long value = Long.parseLong(matcher.group(matcher.groupCount()));
                        if (accept.test(value)) {
                            return Optional.of(new Seen(System.nanoTime(), Long.parseLong(matcher.group(1)), value));
                        }
                    }
                }
                if (!alive) {
                    return Optional.empty();
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly().waitFor();
                    fail("The child never logged " + pattern + "; its output:\n" + output());
                }
                Thread.sleep(1);
            }
        }

        private List<String> newLines()
                throws IOException
        {
            if (reader == null) {
                reader = Files.newByteChannel(log);
            }
            List<String> lines = new ArrayList<>();
            int count;
            while ((count = reader.read(buffer.clear())) > 0) {
                for (int i = 0; i < count; i++) {
                    byte next = buffer.get(i);
                    if (next == '\n') {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    }
                    else {
                        line.write(next);
                    }
                }
            }
            return lines;
        }
    }

    private Launched start(String store, boolean resume, boolean retention)
            throws IOException
    {
        List<String> args = new ArrayList<>(List.of("train", "--store", store, "--json"));
        args.addAll(List.of(FLAGS));
        if (retention) {
            args.addAll(List.of("--keep-last", String.valueOf(KEEP_LAST)));
        }
        if (resume) {
            args.add("--resume");
        }
        return launch(args);
    }

    private Launched launch(List<String> args)
            throws IOException
    {
        String modulePath = System.getProperty("cairn.trainer.jar") + File.pathSeparator + System.getProperty("cairn.trainer.lib");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                // Cairn's debug lines are what the harness reads; the AWS SDK's would only slow an S3 child down
                "-Dorg.slf4j.simpleLogger.log.io.cairn=debug",
                // each line starts with the milliseconds since the child's logging started: kills are placed by it
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "--module-path", modulePath,
                "-m", "io.cairn.trainer/io.cairn.trainer.Main"));
        command.addAll(args);
        Path log = Files.createTempFile(temp, "cairn-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        return new Launched(builder.start(), log);
    }
}
