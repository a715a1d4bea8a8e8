package io.cairn.core.tf;

import io.cairn.core.checkpoint.Manifest;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.family.TType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TF's own reader of its checkpoints ({@code .index} + {@code .data-*}): {@code RestoreV2} in a side
 * graph, into host tensors. The reference the tests hold Cairn's bundle writer and reader to.
 */
final class RestoreV2Reader
{
    private RestoreV2Reader() {}

    /**
     * Reads the named tensors of a TF checkpoint. The caller closes the returned tensors.
     */
    static Map<String, Tensor> read(Path prefix, List<Manifest.VariableEntry> variables)
    {
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            String[] names = variables.stream().map(Manifest.VariableEntry::name).toArray(String[]::new);
            List<Class<? extends TType>> types = variables.stream()
                    .<Class<? extends TType>>map(variable -> TensorTypes.classOf(variable.dtype()))
                    .toList();
            Restore restore = tf.train.restore(
                    tf.constant(prefix.toString()),
                    tf.constant(StandardCharsets.UTF_8, names),
                    tf.constant(StandardCharsets.UTF_8, emptySlices(names.length)),
                    types);
            Session.Runner runner = session.runner();
            restore.tensors().forEach(runner::fetch);
            Result result = runner.run();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                tensors.put(names[i], result.get(i));
            }
            return tensors;
        }
    }

    // "" slices: every variable is saved whole
    static String[] emptySlices(int count)
    {
        String[] slices = new String[count];
        Arrays.fill(slices, "");
        return slices;
    }
}
