package io.cairn.core.save;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.internal.FileTrees;
import io.cairn.core.model.Model;
import io.cairn.core.model.ModelSnapshot;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.ChunkStore;
import io.cairn.core.repository.FileUpload;
import io.cairn.core.repository.Hashes;
import io.cairn.core.repository.UploadSession;
import io.cairn.core.tf.SavedModelTemplate;
import io.cairn.core.tf.TensorBundleWriter;
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

import static java.util.Objects.requireNonNull;

/**
 * Turns a snapshot into a checkpoint's files in the repository: the variables as TF's tensor bundle,
 * copied from the snapshot straight into the chunk store's buffers, the data file cut at its tensors'
 * boundaries; a {@code FULL} save adds the graph's SavedModel template (exported once into scratch
 * space). Used from the save thread only.
 */
public final class CheckpointWriter
        implements AutoCloseable
{
    private final Model model;
    private final ChunkStore chunks;
    private final UploadSession session;
    private final Path scratch;
    private final Manifest.ModelInfo modelInfo;
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
     * Writes the snapshot's files into the chunk store, closing the snapshot (and calling
     * {@code snapshotFreed}) as soon as its bytes are copied into chunk buffers. The variables become a
     * TF tensor bundle written by Cairn ({@link TensorBundleWriter}): each tensor's bytes go once from
     * the snapshot into chunks cut at its boundaries, so an unchanged tensor is an unchanged chunk.
     * Every checkpoint of a run started from another run's weights records that parent ({@code initFrom}).
     *
     * @return the manifest to commit
     */
    public Manifest write(String run, Optional<Manifest.InitFrom> initFrom, SaveKind kind, TrainerState state, Map<String, Double> metrics, String createdAt,
            ModelSnapshot snapshot, Runnable snapshotFreed)
            throws IOException
    {
        List<Manifest.FileEntry> files = new ArrayList<>();
        List<ModelVariable> variables;
        byte[] index;
        try (FileUpload data = chunks.startFile(CheckpointFiles.VARIABLES_PREFIX + ".data-00000-of-00001", session)) {
            try (snapshot) {
                variables = snapshot.variables();
                index = TensorBundleWriter.write(variables.stream().map(ModelVariable::name).toList(), snapshot.tensors(), data);
            }
            finally {
                snapshotFreed.run();
            }
            if (kind == SaveKind.FULL) {
                for (Map.Entry<String, byte[]> file : savedModelTemplate.files().entrySet()) {
                    files.add(chunks.putFile(file.getKey(), file.getValue(), session));
                }
            }
            files.add(data.finish());
        }
        files.add(chunks.putFile(CheckpointFiles.VARIABLES_INDEX, index, session));
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

    @Override
    public void close()
    {
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
