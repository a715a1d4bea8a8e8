package io.cairn.core.save;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.internal.FileTrees;
import io.cairn.core.model.Model;
import io.cairn.core.model.ModelSnapshot;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.ChunkStore;
import io.cairn.core.repository.Hashes;
import io.cairn.core.repository.UploadSession;
import io.cairn.core.tf.SavedModelTemplate;
import io.cairn.core.tf.TensorBundleIndex;
import io.cairn.core.tf.TfCheckpoints;
import io.cairn.core.train.TrainerState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Turns a snapshot into a checkpoint's files in the repository: TF's {@code SaveV2} writes the
 * variables in a side graph into scratch space, a {@code FULL} save adds the graph's SavedModel
 * template, and every file goes into the chunk store, the data file cut at its tensors' boundaries
 * (from TF's index). Used from the save thread only.
 */
public final class CheckpointWriter
        implements AutoCloseable
{
    private final Model model;
    private final ChunkStore chunks;
    private final UploadSession session;
    private final Path scratch;
    private final Manifest.ModelInfo modelInfo;
    private final TfCheckpoints tfCheckpoints = new TfCheckpoints();
    private volatile SavedModelTemplate savedModelTemplate;

    public CheckpointWriter(Model model, ChunkStore chunks, UploadSession session)
            throws IOException
    {
        this.model = requireNonNull(model, "model is null");
        this.chunks = requireNonNull(chunks, "chunks is null");
        this.session = requireNonNull(session, "session is null");
        this.modelInfo = new Manifest.ModelInfo(model.description(), signature(model));
        this.scratch = Files.createTempDirectory("cairn-save-");
    }

    /**
     * The one-time work of {@code FULL} saves, on the training thread (it reads the live session):
     * TensorFlow's exporter writes the graph's SavedModel once.
     */
    public void prepareSavedModel()
    {
        if (savedModelTemplate == null) {
            savedModelTemplate = SavedModelTemplate.export(model, scratch);
        }
    }

    /**
     * Writes a snapshot as TF files and throws them away: TF builds its side-graph executor on first
     * use, which is better done before the first save than in it.
     */
    public void warmUp(ModelSnapshot snapshot, SaveKind kind)
    {
        Path directory = scratch.resolve("warm-up-" + kind);
        try (snapshot) {
            Files.createDirectories(directory);
            tfCheckpoints.write(snapshot, directory.resolve("variables"));
        }
        catch (IOException e) {
            throw new IllegalStateException("Cannot warm up " + kind + " saves in " + directory, e);
        }
        finally {
            FileTrees.deleteQuietly(directory);
        }
    }

    /**
     * Writes the snapshot's files into the chunk store, closing the snapshot (and calling
     * {@code snapshotFreed}) as soon as TF has written it. Every checkpoint of a run started from
     * another run's weights records that parent ({@code initFrom}).
     *
     * @return the manifest to commit
     */
    public Manifest write(String run, Optional<Manifest.InitFrom> initFrom, SaveKind kind, TrainerState state, Map<String, Double> metrics, String createdAt,
            ModelSnapshot snapshot, Runnable snapshotFreed)
            throws IOException
    {
        Path directory = scratch.resolve("step-" + state.step());
        try {
            Path prefix = directory.resolve(CheckpointFiles.VARIABLES_PREFIX);
            List<ModelVariable> variables;
            try (snapshot) {
                Files.createDirectories(prefix.getParent());
                tfCheckpoints.write(snapshot, prefix);
                variables = snapshot.variables();
            }
            finally {
                snapshotFreed.run();
            }
            List<Manifest.FileEntry> files = new ArrayList<>();
            if (kind == SaveKind.FULL) {
                for (Map.Entry<String, byte[]> file : savedModelTemplate.files().entrySet()) {
                    files.add(chunks.putFile(file.getKey(), file.getValue(), session));
                }
            }
            TensorBundleIndex index = TensorBundleIndex.read(directory.resolve(CheckpointFiles.VARIABLES_INDEX));
            try (Stream<Path> written = Files.list(prefix.getParent())) {
                for (Path file : written.sorted().toList()) {
                    String path = CheckpointFiles.VARIABLES_DIRECTORY + file.getFileName();
                    OptionalInt shard = CheckpointFiles.dataShard(path);
                    // a data file is cut at its tensors, so an unchanged tensor is an unchanged chunk
                    files.add(shard.isPresent()
                            ? chunks.putFile(path, file, index.regions(shard.getAsInt(), Files.size(file)), session)
                            : chunks.putFile(path, file, session));
                }
            }
            return new Manifest(
                    Manifest.FORMAT_VERSION,
                    run,
                    state.step(),
                    state.epoch(),
                    kind,
                    createdAt,
                    metrics,
                    modelInfo,
                    chunks.chunkSize(),
                    files,
                    variables.stream().map(CheckpointWriter::entry).toList(),
                    kind.resumable() ? state : null,
                    initFrom.orElse(null));
        }
        finally {
            FileTrees.deleteQuietly(directory);
        }
    }

    @Override
    public void close()
    {
        tfCheckpoints.close();
        FileTrees.deleteQuietly(scratch);
    }

    private static Manifest.VariableEntry entry(ModelVariable variable)
    {
        return new Manifest.VariableEntry(variable.name(), variable.dtype(), Manifest.VariableEntry.shapeOf(variable.shape()), variable.role().jsonName());
    }

    /**
     * SHA-256 over every variable's name, type, shape and role: two models with the same signature can
     * exchange checkpoints.
     */
    static String signature(Model model)
    {
        MessageDigest digest = Hashes.sha256();
        for (ModelVariable variable : model.variables()) {
            digest.update((variable.name() + ":" + variable.dtype() + ":" + variable.shapeString() + ":" + variable.role().jsonName() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return Hashes.hex(digest.digest());
    }
}
