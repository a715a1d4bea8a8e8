package io.cairn.trainer;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.store.ForwardingCheckpointStore;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code held:/dir?open-until=/file} and {@code held:/dir?commit-until=/file}, for tests that signal a
 * child {@code cairn train} at a chosen point: the local store at {@code /dir}, whose opening, or whose
 * commits of checkpoints (the manifest, written after the chunks), wait until {@code /file} exists. Each
 * wait is announced on stderr first ({@code held store: ...}), so the test knows where the child is.
 */
public final class HeldStoreProvider
        implements CheckpointStoreProvider
{
    private static final Pattern MANIFEST = Pattern.compile(".*/checkpoints/(\\d{20})\\.json");

    @Override
    public String scheme()
    {
        return "held";
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options)
            throws IOException
    {
        Map<String, Path> holds = uri.getQuery() == null ? Map.of() : Arrays.stream(uri.getQuery().split("&"))
                .map(setting -> setting.split("=", 2))
                .collect(Collectors.toMap(setting -> setting[0], setting -> Path.of(setting[1])));
        Optional<Path> openUntil = Optional.ofNullable(holds.get("open-until"));
        Optional<Path> commitUntil = Optional.ofNullable(holds.get("commit-until"));
        if (openUntil.isPresent()) {
            hold("opening " + uri.getPath(), openUntil.get());
        }
        CheckpointStore local = CheckpointStores.discover().open(Path.of(uri.getPath()).toUri().toString(), options);
        return new ForwardingCheckpointStore(local)
        {
            @Override
            public void createIfAbsent(String key, byte[] data)
                    throws IOException
            {
                Matcher manifest = MANIFEST.matcher(key);
                if (manifest.matches() && commitUntil.isPresent()) {
                    hold("the commit of step " + Long.parseLong(manifest.group(1)), commitUntil.get());
                }
                super.createIfAbsent(key, data);
            }
        };
    }

    private static void hold(String what, Path until)
            throws IOException
    {
        System.err.println("held store: holding " + what + " until " + until + " exists");
        System.err.flush();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.exists(until)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("held store: " + until + " did not appear within 5 minutes");
            }
            try {
                Thread.sleep(20);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("held store: interrupted while holding " + what);
            }
        }
    }
}
