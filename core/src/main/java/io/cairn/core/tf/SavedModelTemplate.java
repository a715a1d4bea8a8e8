package io.cairn.core.tf;

import io.cairn.core.checkpoint.CheckpointException;
import io.cairn.core.internal.FileTrees;
import io.cairn.core.model.Model;
import io.cairn.core.repository.CheckpointFiles;
import org.tensorflow.SavedModelBundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The parts of a SavedModel that do not change while a graph trains ({@code saved_model.pb} and any
 * other non-variable file), generated once per graph by TensorFlow's own exporter. Each {@code FULL}
 * save adds a fresh {@code variables/} directory written from a snapshot; the exporter's saver
 * restores variables by name, and the snapshot writer uses the same names.
 */
public final class SavedModelTemplate
{
    private final Map<String, byte[]> files;

    private SavedModelTemplate(Map<String, byte[]> files)
    {
        this.files = Map.copyOf(files);
    }

    /**
     * Exports the model once into a scratch directory and keeps its non-variable files. Runs on the
     * training thread (it reads the live session) and adds TF's {@code save/} ops to the graph, so call
     * it after the graph is complete.
     */
    public static SavedModelTemplate export(Model model, Path scratch)
    {
        Path dir = scratch.resolve("savedmodel-template");
        try {
            SavedModelBundle.exporter(dir.toString())
                    .withSession(model.session())
                    .withSignature(model.servingSignature())
                    .export();
            Map<String, byte[]> files = new TreeMap<>();
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    String path = dir.relativize(file).toString().replace('\\', '/');
                    if (!path.startsWith("variables/")) {
                        files.put(path, Files.readAllBytes(file));
                    }
                }
            }
            if (!files.containsKey(CheckpointFiles.SAVED_MODEL_PB)) {
                throw new CheckpointException("TensorFlow's exporter wrote no " + CheckpointFiles.SAVED_MODEL_PB + " in " + dir);
            }
            return new SavedModelTemplate(files);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot export the SavedModel template to " + dir, e);
        }
        finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    public Map<String, byte[]> files()
    {
        return files;
    }
}
