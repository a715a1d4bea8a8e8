package io.cairn.core.tf;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.ModelMismatchException;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.model.Model;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.model.VariableRole;
import io.cairn.core.repository.ChunkStore;
import io.cairn.core.train.TrainerState;
import org.tensorflow.Tensor;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.cairn.core.repository.ChunkStore.describe;
import static java.util.Objects.requireNonNull;

/**
 * Restores a checkpoint's variables into a live model: every type and shape is checked first, then
 * each tensor is copied from its verified chunks into a host tensor ({@link BundleReader}), and all are
 * assigned in one {@code Session.run}.
 */
public final class CheckpointRestorer
{
    private final ChunkStore chunks;

    public CheckpointRestorer(ChunkStore chunks)
    {
        this.chunks = requireNonNull(chunks, "chunks is null");
    }

    /**
     * Restores all variables for {@code FULL} and {@code STATE}, the weights for {@code WEIGHTS}. A
     * mismatch leaves the model untouched.
     *
     * @return the checkpoint's trainer state, if it has one
     * @throws ModelMismatchException naming the variable and both shapes
     */
    public Optional<TrainerState> restore(Manifest manifest, Model model)
            throws IOException
    {
        checkMatches(manifest, model);
        assign(manifest, manifest.variables(), model);
        return manifest.trainerStateIfPresent();
    }

    /**
     * Restores only the model weights of a checkpoint of any kind, as fine-tuning starts: the model's
     * optimizer state (which may differ, e.g. with frozen layers) is left as it is.
     *
     * @throws ModelMismatchException naming the weight and both shapes
     */
    public void restoreWeights(Manifest manifest, Model model)
            throws IOException
    {
        List<Manifest.VariableEntry> weights = manifest.variables().stream()
                .filter(variable -> VariableRole.fromJsonName(variable.role()) == VariableRole.WEIGHT)
                .toList();
        checkMatches(manifest, weights, model, SaveKind.WEIGHTS);
        assign(manifest, weights, model);
    }

    private void assign(Manifest manifest, List<Manifest.VariableEntry> variables, Model model)
            throws IOException
    {
        // every tensor is read and verified before the first assign, so a damaged checkpoint assigns nothing
        Map<String, Tensor> tensors = new BundleReader(chunks, manifest).read(variables);
        try {
            model.assign(tensors);
        }
        finally {
            tensors.values().forEach(Tensor::close);
        }
    }

    static void checkMatches(Manifest manifest, Model model)
    {
        checkMatches(manifest, manifest.variables(), model, manifest.kind());
    }

    /**
     * Every stored variable must exist in the model with its type and shape, and every model variable
     * the kind holds must be stored.
     */
    private static void checkMatches(Manifest manifest, List<Manifest.VariableEntry> variables, Model model, SaveKind kind)
    {
        Map<String, Manifest.VariableEntry> stored = new LinkedHashMap<>();
        variables.forEach(variable -> stored.put(variable.name(), variable));
        for (Manifest.VariableEntry variable : variables) {
            long[] storedShape = variable.shape().stream().mapToLong(Long::longValue).toArray();
            ModelVariable target = model.variable(variable.name()).orElseThrow(() -> new ModelMismatchException(
                    "Checkpoint " + describe(manifest) + " has variable " + variable.name() + " " + Arrays.toString(storedShape)
                            + " that the model does not have; the model's variables are " + model.variables().stream().map(ModelVariable::name).toList()));
            if (!Arrays.equals(target.shape(), storedShape) || !target.dtype().equals(variable.dtype())) {
                throw new ModelMismatchException("Variable " + variable.name() + " has shape " + Arrays.toString(storedShape) + " " + variable.dtype()
                        + " in checkpoint " + describe(manifest) + " but " + target.shapeString() + " " + target.dtype()
                        + " in the model; build the model with the code that wrote the checkpoint");
            }
        }
        for (ModelVariable variable : model.variables()) {
            if (kind.variables().test(variable) && !stored.containsKey(variable.name())) {
                throw new ModelMismatchException("Model variable " + variable.name() + " " + variable.shapeString() + " is not in checkpoint " + describe(manifest)
                        + "; build the model with the code that wrote the checkpoint");
            }
        }
    }
}
