package io.cairn.store.contract;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The behaviour every {@link CheckpointStore} must have. A backend's test extends this class and gives
 * the URI of an empty store for each test ({@link #storeUri()}), or the store itself ({@link #store()}),
 * and cleans up after itself. It also says how to look at the stored data with the backend's own client
 * ({@link #readRaw}), and which optional abilities the store has ({@link #isHierarchical()},
 * {@link #reservedName()}): tests branch on them rather than skip, so every store runs every test.
 */
public abstract class AbstractCheckpointStoreTest
{
    private static final List<String> INVALID_KEYS = List.of("../x", "/abs", "a//b", "a/./b", "a\\b", "", "x/", "a/../b");

    private CheckpointStore opened;

    /**
     * The store under test, empty at the start of each test. By default the store that {@link #storeUri()}
     * opens through {@link CheckpointStores#discover()}: opened at a test's first call, closed after the
     * test. Override it to build the store in code (and close it yourself).
     */
    protected synchronized CheckpointStore store()
    {
        if (opened == null) {
            String uri = storeUri().orElseThrow(() -> new IllegalStateException(getClass().getSimpleName() + " has no storeUri(), so it must override store()"));
            try {
                opened = CheckpointStores.discover().open(uri);
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot open the store under test, " + uri, e);
            }
        }
        return opened;
    }

    /**
     * The URI that opens the store under test through {@link CheckpointStores#discover()}, query
     * included; empty for a store that no provider opens.
     */
    protected abstract Optional<String> storeUri();

    /**
     * The bytes stored under the key below the store's root, read with the backend's own client (not
     * the store under test); empty when nothing is stored there.
     */
    protected abstract Optional<byte[]> readRaw(String key)
            throws IOException;

    /**
     * Whether keys are paths of files in directories, as on a file system: a blob then cannot be
     * stored below another blob's key, and a delete prunes the directories it empties. Object stores
     * are flat.
     */
    protected boolean isHierarchical()
    {
        return false;
    }

    /**
     * For a hierarchical store: whether the backend's own client sees a directory at the path below
     * the root ({@code ""} is the root).
     */
    protected boolean rawDirectoryExists(String path)
            throws IOException
    {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " says its store is hierarchical, so it must implement rawDirectoryExists");
    }

    /**
     * The top-level name the store keeps for itself (temp files, probe objects), if any: keys below it
     * are rejected before any I/O, and lists never show what is there.
     */
    protected Optional<String> reservedName()
    {
        return Optional.empty();
    }

    /**
     * For a store with a {@link #reservedName()}: leaves there, with the backend's own client, what a
     * writer that crashed mid-write leaves (a temp file still open for writing, a probe object).
     * Closing the result removes it.
     */
    protected Closeable leaveWhatACrashedWriterLeaves(byte[] data)
            throws IOException
    {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " names a reserved area, so it must implement leaveWhatACrashedWriterLeaves");
    }

    /**
     * How often each of four writers writes, reads and deletes its key in
     * {@link #writesSurviveConcurrentDeletesOfTheirNeighbours()}: many times on a hierarchical store,
     * where each delete prunes the directory the others write into; a few times on a flat one.
     */
    protected int concurrentWriteRounds()
    {
        return isHierarchical() ? 200 : 20;
    }

    /**
     * For a hierarchical store: what the message of a write says when the blob with this key is in the
     * way of a directory the write needs; the key itself by default.
     */
    protected String blobInTheWay(String blobKey)
    {
        return blobKey;
    }

    @Test
    public void writeThenReadReturnsTheSameBytes()
            throws IOException
    {
        byte[] data = bytes("hello, cairn");
        write("blob", data);
        assertThat(store().readAllBytes("blob")).isEqualTo(data);
        try (InputStream in = store().read("blob")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    public void writesAndReadsAnEmptyBlob()
            throws IOException
    {
        write("empty", new byte[0]);
        assertThat(store().exists("empty")).isTrue();
        assertThat(store().readAllBytes("empty")).isEmpty();
        assertThat(store().list("")).containsExactly("empty");
    }

    @Test
    public void writesAndReadsAMultiMegabyteBlob()
            throws IOException
    {
        byte[] data = randomBytes(5 * 1024 * 1024 + 17, 1);
        write("chunks/ab/large", data);
        assertThat(store().readAllBytes("chunks/ab/large")).isEqualTo(data);
        assertThat(readRange("chunks/ab/large", 3 * 1024 * 1024 + 5, 1000))
                .isEqualTo(Arrays.copyOfRange(data, 3 * 1024 * 1024 + 5, 3 * 1024 * 1024 + 1005));
    }

    @Test
    public void writeReplacesAnExistingBlob()
            throws IOException
    {
        write("runs/r1/lease", randomBytes(1000, 2));
        byte[] shorter = bytes("new holder");
        write("runs/r1/lease", shorter);
        assertThat(store().readAllBytes("runs/r1/lease")).isEqualTo(shorter);
        assertThat(store().list("")).containsExactly("runs/r1/lease");
    }

    @Test
    public void handlesKeysWithSpacesPlusPercentAndNonAsciiCharacters()
            throws IOException
    {
        List<String> keys = List.of("exports/my model/saved model.pb", "a+b=c/d%20e", "unicodé/ключ");
        for (String key : keys) {
            write(key, bytes(key));
        }
        for (String key : keys) {
            assertThat(store().exists(key)).as(key).isTrue();
            assertThat(store().readAllBytes(key)).as(key).isEqualTo(bytes(key));
        }
        assertThat(store().list("")).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(store().list("exports/my model/")).containsExactly("exports/my model/saved model.pb");
        store().delete(keys);
        assertThat(store().list("")).isEmpty();
    }

    @Test
    public void readsRanges()
            throws IOException
    {
        byte[] data = randomBytes(1000, 3);
        write("blob", data);

        assertThat(readRange("blob", 0, 10)).isEqualTo(Arrays.copyOfRange(data, 0, 10));
        assertThat(readRange("blob", 400, 250)).isEqualTo(Arrays.copyOfRange(data, 400, 650));
        assertThat(readRange("blob", 0, 1000)).isEqualTo(data);
        // a range running past the end is cut at the end
        assertThat(readRange("blob", 990, 100)).isEqualTo(Arrays.copyOfRange(data, 990, 1000));
        assertThat(readRange("blob", 0, Long.MAX_VALUE)).isEqualTo(data);
        // a range starting at or past the end is empty
        assertThat(readRange("blob", 1000, 10)).isEmpty();
        assertThat(readRange("blob", 5000, 10)).isEmpty();
        assertThat(readRange("blob", 500, 0)).isEmpty();
    }

    @Test
    public void rejectsNegativeLengthsAndRanges()
            throws IOException
    {
        write("blob", bytes("data"));
        assertThatThrownBy(() -> store().read("blob", -1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().read("blob", 0, -2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().write("other", new ByteArrayInputStream(new byte[0]), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store().list("")).containsExactly("blob");
    }

    @Test
    public void readOfMissingBlobThrowsFileNotFoundNamingTheKey()
    {
        assertThatThrownBy(() -> store().read("runs/r1/checkpoints/missing.json"))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("runs/r1/checkpoints/missing.json");
        assertThatThrownBy(() -> store().read("runs/r1/checkpoints/missing.json", 0, 10))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("runs/r1/checkpoints/missing.json");
        assertThatThrownBy(() -> store().readAllBytes("missing"))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("missing");
    }

    @Test
    public void aPrefixOfOtherKeysIsNotABlob()
            throws IOException
    {
        write("dir/inner/blob", bytes("x"));
        for (String key : List.of("dir", "dir/inner")) {
            assertThat(store().exists(key)).as(key).isFalse();
            assertThatThrownBy(() -> store().read(key)).as(key)
                    .isInstanceOf(FileNotFoundException.class)
                    .hasMessageContaining(key);
            assertThatThrownBy(() -> store().read(key, 0, 1)).as(key)
                    .isInstanceOf(FileNotFoundException.class);
        }
        store().delete(List.of("dir", "dir/inner"));
        assertThat(store().readAllBytes("dir/inner/blob")).isEqualTo(bytes("x"));
    }

    @Test
    public void existsTellsWhetherABlobIsStored()
            throws IOException
    {
        assertThat(store().exists("a/b")).isFalse();
        write("a/b", bytes("x"));
        assertThat(store().exists("a/b")).isTrue();
        assertThat(store().exists("a/bc")).isFalse();
        store().delete(List.of("a/b"));
        assertThat(store().exists("a/b")).isFalse();
    }

    @Test
    public void listsKeysByPrefix()
            throws IOException
    {
        List<String> keys = List.of(
                "archive/runs/a/lease",
                "cairn-repository.json",
                "chunks/0a/0a11",
                "chunks/0a/0a22",
                "chunks/ff/ff33",
                "runs/a/checkpoints/00000000000000000010.json",
                "runs/a/lease",
                "runs/ab/lease",
                "runs/abc",
                "runs/b/checkpoints/00000000000000000020.json");
        for (String key : keys) {
            write(key, bytes(key));
        }

        // an empty prefix lists every blob, and no directories
        assertThat(store().list("")).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(store().list("chunks/")).containsExactlyInAnyOrder("chunks/0a/0a11", "chunks/0a/0a22", "chunks/ff/ff33");
        assertThat(store().list("chunks")).containsExactlyInAnyOrder("chunks/0a/0a11", "chunks/0a/0a22", "chunks/ff/ff33");
        assertThat(store().list("chunks/0a/")).containsExactlyInAnyOrder("chunks/0a/0a11", "chunks/0a/0a22");
        assertThat(store().list("chunks/0a/0a1")).containsExactly("chunks/0a/0a11");
        // a prefix matches parts of names, unless it ends with '/'
        assertThat(store().list("runs/a")).containsExactlyInAnyOrder(
                "runs/a/checkpoints/00000000000000000010.json", "runs/a/lease", "runs/ab/lease", "runs/abc");
        assertThat(store().list("runs/a/")).containsExactlyInAnyOrder("runs/a/checkpoints/00000000000000000010.json", "runs/a/lease");
        assertThat(store().list("runs/a/checkpoints/")).containsExactly("runs/a/checkpoints/00000000000000000010.json");
        assertThat(store().list("runs/abc")).containsExactly("runs/abc");
        assertThat(store().list("cairn-repository.json")).containsExactly("cairn-repository.json");
        // prefixes that match nothing
        assertThat(store().list("runs/c")).isEmpty();
        assertThat(store().list("nothing/here/")).isEmpty();
        assertThat(store().list("runs/abc/")).isEmpty();
        assertThat(store().list("cairn-repository.json/")).isEmpty();
    }

    @Test
    public void listOfAnEmptyStoreIsEmpty()
            throws IOException
    {
        assertThat(store().list("")).isEmpty();
        assertThat(store().list("runs/")).isEmpty();
    }

    @Test
    public void deletesManyBlobsIgnoringMissingOnes()
            throws IOException
    {
        write("chunks/aa/1", bytes("1"));
        write("chunks/aa/2", bytes("2"));
        write("chunks/bb/3", bytes("3"));
        write("runs/r/lease", bytes("lease"));

        store().delete(List.of("chunks/aa/1", "chunks/missing", "never/existed/at/all", "chunks/bb/3"));
        assertThat(store().list("")).containsExactlyInAnyOrder("chunks/aa/2", "runs/r/lease");
        assertThat(store().exists("chunks/aa/1")).isFalse();
        assertThatThrownBy(() -> store().read("chunks/bb/3")).isInstanceOf(FileNotFoundException.class);

        store().delete(List.of());
        store().delete(List.of("chunks/aa/1"));
        store().delete(List.of("chunks/aa/2", "runs/r/lease"));
        assertThat(store().list("")).isEmpty();

        // a deleted key can be written again
        write("chunks/aa/1", bytes("again"));
        assertThat(store().readAllBytes("chunks/aa/1")).isEqualTo(bytes("again"));
    }

    @Test
    public void createIfAbsentCreatesOnceAndKeepsTheFirstBlob()
            throws IOException
    {
        String key = "runs/r1/checkpoints/00000000000000000100.json";
        store().createIfAbsent(key, bytes("first"));
        assertThat(store().readAllBytes(key)).isEqualTo(bytes("first"));

        assertThatThrownBy(() -> store().createIfAbsent(key, bytes("second")))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(key);
        assertThat(store().readAllBytes(key)).isEqualTo(bytes("first"));
        assertThat(store().list("")).containsExactly(key);
    }

    @Test
    public void createIfAbsentFailsOnABlobMadeByWrite()
            throws IOException
    {
        write("manifest", bytes("written"));
        assertThatThrownBy(() -> store().createIfAbsent("manifest", new byte[0]))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("manifest");
        assertThat(store().readAllBytes("manifest")).isEqualTo(bytes("written"));
    }

    @Test
    public void createIfAbsentStoresAnEmptyBlobAndWorksAgainAfterDelete()
            throws IOException
    {
        store().createIfAbsent("a/empty", new byte[0]);
        assertThat(store().readAllBytes("a/empty")).isEmpty();
        store().delete(List.of("a/empty"));
        store().createIfAbsent("a/empty", bytes("again"));
        assertThat(store().readAllBytes("a/empty")).isEqualTo(bytes("again"));
    }

    @Test
    @Timeout(120)
    public void exactlyOneOfRacingCreateIfAbsentCallsWins()
            throws Exception
    {
        int writers = 8;
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "runs/race/checkpoints/" + round + ".json";
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int writer = 0; writer < writers; writer++) {
                    byte[] data = writerBytes(writer);
                    results.add(executor.submit(() -> {
                        start.await();
                        try {
                            store().createIfAbsent(key, data);
                            return true;
                        }
                        catch (FileAlreadyExistsException e) {
                            return false;
                        }
                    }));
                }
                start.countDown();

                List<Integer> winners = new ArrayList<>();
                for (int writer = 0; writer < writers; writer++) {
                    if (results.get(writer).get(60, TimeUnit.SECONDS)) {
                        winners.add(writer);
                    }
                }
                assertThat(winners).as("writers that won round %s", round).hasSize(1);
                assertThat(store().readAllBytes(key)).isEqualTo(writerBytes(winners.get(0)));
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(store().list("runs/race/")).hasSize(5);
    }

    @Test
    public void rejectsInvalidKeysBeforeAnyIo()
            throws IOException
    {
        write("a/b", bytes("kept"));
        for (String key : INVALID_KEYS) {
            assertThatThrownBy(() -> store().write(key, untouchableStream(), 1)).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().createIfAbsent(key, bytes("x"))).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().read(key)).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().read(key, 0, 1)).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().exists(key)).as(key).isInstanceOf(IllegalArgumentException.class);
            // a bad key anywhere in the batch stops the whole delete
            assertThatThrownBy(() -> store().delete(List.of("a/b", key))).as(key).isInstanceOf(IllegalArgumentException.class);
            if (!key.isEmpty() && !key.equals("x/")) {
                assertThatThrownBy(() -> store().list(key)).as(key).isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThatThrownBy(() -> store().list("/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().list("a//")).isInstanceOf(IllegalArgumentException.class);
        assertThat(store().list("")).containsExactly("a/b");
        assertThat(store().readAllBytes("a/b")).isEqualTo(bytes("kept"));
    }

    @Test
    public void locationIsAnAbsoluteUriWithoutCredentials()
    {
        URI location = store().location();
        assertThat(location.getScheme()).isNotBlank();
        assertThat(location.getRawUserInfo()).isNull();
        if (location.getRawAuthority() != null) {
            assertThat(location.getRawAuthority()).doesNotContain("@");
        }
    }

    @Test
    public void failedWriteOfAShortStreamLeavesNoBlob()
    {
        assertThatThrownBy(() -> store().write("runs/r/blob", new ByteArrayInputStream(randomBytes(100, 4)), 200))
                .isInstanceOf(IOException.class);
        assertNoBlob("runs/r/blob");
    }

    @Test
    public void failedWriteOfALongStreamLeavesNoBlob()
    {
        assertThatThrownBy(() -> store().write("runs/r/blob", new ByteArrayInputStream(randomBytes(300, 5)), 200))
                .isInstanceOf(IOException.class);
        assertNoBlob("runs/r/blob");
    }

    @Test
    public void failedWriteOfABrokenStreamLeavesNoBlob()
    {
        assertThatThrownBy(() -> store().write("runs/r/blob", brokenStream(150_000), 300_000))
                .isInstanceOf(IOException.class);
        assertNoBlob("runs/r/blob");
    }

    @Test
    public void failedOverwriteKeepsTheOldBlob()
            throws IOException
    {
        byte[] old = randomBytes(200_000, 6);
        write("runs/r/blob", old);
        assertThatThrownBy(() -> store().write("runs/r/blob", new ByteArrayInputStream(randomBytes(100, 7)), 200))
                .isInstanceOf(IOException.class);
        assertThat(store().readAllBytes("runs/r/blob")).isEqualTo(old);
        assertThatThrownBy(() -> store().write("runs/r/blob", brokenStream(150_000), 300_000))
                .isInstanceOf(IOException.class);
        assertThat(store().readAllBytes("runs/r/blob")).isEqualTo(old);
        assertThat(store().list("")).containsExactly("runs/r/blob");
    }

    @Test
    public void storesEachKeyUnderItsOwnNameBelowTheRoot()
            throws IOException
    {
        write("chunks/0a/0a11", bytes("chunk"));
        assertThat(readRaw("chunks/0a/0a11")).hasValueSatisfying(raw -> assertThat(raw).isEqualTo(bytes("chunk")));
        assertThat(readRaw("chunks/0a/0a12")).isEmpty();
        assertThat(readRaw("0a11")).isEmpty();
    }

    @Test
    public void deleteLeavesNoEmptyDirectoriesButKeepsTheRootAndTheReservedArea()
            throws IOException
    {
        write("runs/r/checkpoints/1.json", bytes("one"));
        write("runs/r/checkpoints/2.json", bytes("two"));
        write("runs/r/lease", bytes("lease"));
        write("chunks/ab/ab01", bytes("chunk"));
        write("chunks/cd/cd01", bytes("chunk"));

        store().delete(List.of("runs/r/checkpoints/1.json", "chunks/ab/ab01"));
        assertThat(store().list("")).containsExactlyInAnyOrder("runs/r/checkpoints/2.json", "runs/r/lease", "chunks/cd/cd01");
        if (isHierarchical()) {
            // a directory that still holds a blob stays; an emptied one goes, up to the first non-empty parent
            assertThat(rawDirectoryExists("runs/r/checkpoints")).isTrue();
            assertThat(rawDirectoryExists("chunks/ab")).isFalse();
            assertThat(rawDirectoryExists("chunks/cd")).isTrue();
        }

        store().delete(List.of("runs/r/checkpoints/2.json", "chunks/cd/cd01"));
        assertThat(store().list("")).containsExactly("runs/r/lease");
        if (isHierarchical()) {
            assertThat(rawDirectoryExists("runs/r/checkpoints")).isFalse();
            assertThat(rawDirectoryExists("runs/r")).isTrue();
            assertThat(rawDirectoryExists("chunks")).isFalse();
        }

        store().delete(List.of("runs/r/lease"));
        assertThat(store().list("")).isEmpty();
        if (isHierarchical()) {
            assertThat(rawDirectoryExists("runs")).isFalse();
            assertThat(rawDirectoryExists("")).isTrue();
            if (reservedName().isPresent()) {
                assertThat(rawDirectoryExists(reservedName().get())).isTrue();
            }
        }

        // a pruned directory is made again by the next write
        store().createIfAbsent("runs/r/checkpoints/3.json", bytes("three"));
        assertThat(store().readAllBytes("runs/r/checkpoints/3.json")).isEqualTo(bytes("three"));
    }

    @Test
    @Timeout(120)
    public void writesSurviveConcurrentDeletesOfTheirNeighbours()
            throws Exception
    {
        // on a hierarchical store each delete prunes the directory the other writers are writing into
        int rounds = concurrentWriteRounds();
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                String key = "runs/r/checkpoints/" + worker + ".json";
                boolean exclusive = worker % 2 == 0;
                workers.add(executor.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        if (exclusive) {
                            store().createIfAbsent(key, bytes(key));
                        }
                        else {
                            write(key, bytes(key));
                        }
                        assertThat(store().readAllBytes(key)).isEqualTo(bytes(key));
                        store().delete(List.of(key));
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(100, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(store().list("")).isEmpty();
    }

    @Test
    public void leftoverOfACrashedWriterIsIgnored()
            throws IOException
    {
        write("runs/r/lease", bytes("lease"));
        Closeable leftover = reservedName().isPresent() ? leaveWhatACrashedWriterLeaves(bytes("half a chunk")) : () -> {};
        CheckpointStore reopened = reopen();
        try (leftover) {
            assertThat(reopened.list("")).containsExactly("runs/r/lease");
            assertThat(reopened.list(".cairn")).isEmpty();
            write("runs/r/lease", bytes("renewed"));
            reopened.createIfAbsent("runs/r/checkpoints/1.json", bytes("manifest"));
            assertThat(reopened.readAllBytes("runs/r/lease")).isEqualTo(bytes("renewed"));
            assertThat(reopened.list("runs/")).containsExactlyInAnyOrder("runs/r/lease", "runs/r/checkpoints/1.json");
        }
        finally {
            if (reopened != store()) {
                reopened.close();
            }
        }
    }

    @Test
    public void reservedNameIsNotAKey()
            throws IOException
    {
        // other names starting with a dot are ordinary keys
        write(".other/x", bytes("x"));
        if (reservedName().isPresent()) {
            String reserved = reservedName().get();
            assertThatThrownBy(() -> write(reserved + "/x", bytes("x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(reserved + "/x");
            assertThatThrownBy(() -> store().createIfAbsent(reserved + "/y", bytes("y"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().read(reserved)).isInstanceOf(IllegalArgumentException.class);
            assertThat(store().list(reserved + "/")).isEmpty();
        }
        assertThat(store().list("")).containsExactly(".other/x");
    }

    @Test
    public void blobInTheWayOfADirectoryFailsTheWriteNamingIt()
            throws IOException
    {
        write("runs/r", bytes("blob"));
        if (!isHierarchical()) {
            // a flat store keeps both
            write("runs/r/lease", bytes("x"));
            assertThat(store().list("")).containsExactlyInAnyOrder("runs/r", "runs/r/lease");
            return;
        }
        assertThatThrownBy(() -> write("runs/r/lease", bytes("x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("runs/r/lease")
                .hasMessageContaining(blobInTheWay("runs/r"));
        assertThatThrownBy(() -> store().createIfAbsent("runs/r/checkpoints/1.json", bytes("x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(blobInTheWay("runs/r"));
        // a read through a blob finds no blob
        assertThatThrownBy(() -> store().read("runs/r/lease")).isInstanceOf(FileNotFoundException.class).hasMessageContaining("runs/r/lease");
        assertThatThrownBy(() -> store().read("runs/r/lease", 0, 1)).isInstanceOf(FileNotFoundException.class);
        assertThat(store().exists("runs/r/lease")).isFalse();
        assertThat(store().list("runs/r/")).isEmpty();
        store().delete(List.of("runs/r/lease"));
        assertThat(store().list("")).containsExactly("runs/r");
    }

    @Test
    public void opensThroughServiceLoaderDiscovery()
            throws IOException
    {
        String scheme = store().location().getScheme();
        if (storeUri().isEmpty()) {
            assertThat(CheckpointStores.discover().providers()).doesNotContainKey(scheme);
            return;
        }
        CheckpointStores stores = CheckpointStores.discover();
        // the provider found for the scheme is the backend's own
        assertThat(stores.providers().get(scheme)).isNotNull();
        assertThat(stores.providers().get(scheme).getClass().getPackage()).isEqualTo(store().getClass().getPackage());
        try (CheckpointStore discovered = stores.open(storeUri().get())) {
            assertThat(discovered.location()).isEqualTo(store().location());
            write("a", bytes("x"));
            assertThat(discovered.readAllBytes("a")).isEqualTo(bytes("x"));
        }
    }

    @AfterEach
    public void closeTheStoreOpenedFromItsUri()
            throws IOException
    {
        CheckpointStore store;
        synchronized (this) {
            store = opened;
            opened = null;
        }
        if (store != null) {
            store.close();
        }
    }

    /**
     * Another store on the same root as the store under test, opened from {@link #storeUri()}; the
     * store under test itself when there is no URI.
     */
    private CheckpointStore reopen()
            throws IOException
    {
        return storeUri().isPresent() ? CheckpointStores.discover().open(storeUri().get()) : store();
    }

    protected void write(String key, byte[] data)
            throws IOException
    {
        store().write(key, new ByteArrayInputStream(data), data.length);
    }

    protected byte[] readRange(String key, long offset, long length)
            throws IOException
    {
        try (InputStream in = store().read(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    private void assertNoBlob(String key)
    {
        try {
            assertThat(store().exists(key)).isFalse();
            assertThat(store().list("")).isEmpty();
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> store().read(key)).isInstanceOf(FileNotFoundException.class);
    }

    protected static byte[] bytes(String s)
    {
        return s.getBytes(UTF_8);
    }

    protected static byte[] randomBytes(int size, long seed)
    {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] writerBytes(int writer)
    {
        // large enough that writes overlap in time
        return randomBytes(256 * 1024 + writer, 1000 + writer);
    }

    /**
     * A stream that gives {@code good} bytes and then fails, as a network stream does.
     */
    private static InputStream brokenStream(int good)
    {
        return new InputStream()
        {
            private int position;

            @Override
            public int read()
                    throws IOException
            {
                if (position >= good) {
                    throw new IOException("connection reset");
                }
                position++;
                return 7;
            }

            @Override
            public int read(byte[] buffer, int offset, int length)
                    throws IOException
            {
                if (length == 0) {
                    return 0;
                }
                if (position >= good) {
                    throw new IOException("connection reset");
                }
                int count = Math.min(length, good - position);
                Arrays.fill(buffer, offset, offset + count, (byte) 7);
                position += count;
                return count;
            }
        };
    }

    /**
     * A stream a store must not read: keys are checked first.
     */
    private static InputStream untouchableStream()
    {
        return new InputStream()
        {
            @Override
            public int read()
            {
                return fail("the store read the data of a write with an invalid key");
            }

            @Override
            public int read(byte[] buffer, int offset, int length)
            {
                return fail("the store read the data of a write with an invalid key");
            }
        };
    }
}
