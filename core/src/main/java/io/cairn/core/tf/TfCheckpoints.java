package io.cairn.core.tf;

import io.cairn.core.model.ModelSnapshot;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.checkpoint.Manifest;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads TF checkpoints ({@code .index} + {@code .data-*}) in side graphs, away from the
 * model's graph: {@code SaveV2} fed by snapshot tensors, {@code RestoreV2} into host tensors. The
 * files are TF's own format, readable by TensorFlow's loaders.
 *
 * <p>Side graphs are cached per variable set; an instance is used by one thread at a time.
 */
public final class TfCheckpoints
        implements AutoCloseable
{
    private final Map<List<String>, SaveGraph> saveGraphs = new HashMap<>();

    /**
     * Writes the snapshot as a TF checkpoint with the given prefix (e.g. {@code dir/variables/variables}).
     */
    public void write(ModelSnapshot snapshot, Path prefix)
    {
        List<String> key = snapshot.variables().stream().map(variable -> variable.name() + ":" + variable.dtype()).toList();
        SaveGraph graph = saveGraphs.computeIfAbsent(key, ignored -> new SaveGraph(snapshot.variables()));
        graph.run(snapshot.tensors(), prefix);
    }

    /**
     * Reads the named tensors of a TF checkpoint. The caller closes the returned tensors.
     */
    public static Map<String, Tensor> read(Path prefix, List<Manifest.VariableEntry> variables)
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
    private static String[] emptySlices(int count)
    {
        String[] slices = new String[count];
        Arrays.fill(slices, "");
        return slices;
    }

    @Override
    public void close()
    {
        saveGraphs.values().forEach(SaveGraph::close);
        saveGraphs.clear();
    }

    private static final class SaveGraph
            implements AutoCloseable
    {
        private final Graph graph = new Graph();
        private final Session session = new Session(graph);
        private final Placeholder<TString> prefix;
        private final List<Placeholder<?>> inputs = new ArrayList<>();
        private final Op save;

        SaveGraph(List<ModelVariable> variables)
        {
            Ops tf = Ops.create(graph);
            prefix = tf.placeholder(TString.class);
            List<Operand<?>> values = new ArrayList<>();
            String[] names = new String[variables.size()];
            for (int i = 0; i < variables.size(); i++) {
                ModelVariable variable = variables.get(i);
                Placeholder<?> input = tf.placeholder(TensorTypes.classOf(variable.dtype()), Placeholder.shape(Shape.of(variable.shape())));
                inputs.add(input);
                values.add(input);
                names[i] = variable.name();
            }
            save = tf.train.save(prefix, tf.constant(StandardCharsets.UTF_8, names), tf.constant(StandardCharsets.UTF_8, emptySlices(names.length)), values);
        }

        void run(List<Tensor> tensors, Path path)
        {
            try (TString prefixValue = TString.scalarOf(path.toString())) {
                Session.Runner runner = session.runner().feed(prefix, prefixValue);
                for (int i = 0; i < inputs.size(); i++) {
                    runner.feed(inputs.get(i), tensors.get(i));
                }
                runner.addTarget(save).run().close();
            }
        }

        @Override
        public void close()
        {
            session.close();
            graph.close();
        }
    }
}
