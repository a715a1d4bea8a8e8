package io.cairn.core.tf;

import io.cairn.core.model.ModelSnapshot;
import io.cairn.core.model.ModelVariable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TString;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TensorFlow's own checkpoint writer, {@code SaveV2} in a side graph fed by a snapshot's tensors: the
 * reference Cairn's {@link TensorBundleWriter} is compared with.
 */
public final class SaveV2Writer
        implements AutoCloseable
{
    private final Graph graph = new Graph();
    private final Session session = new Session(graph);
    private final Placeholder<TString> prefix;
    private final List<Placeholder<?>> inputs = new ArrayList<>();
    private final Op save;

    public SaveV2Writer(List<String> names, List<Tensor> tensors)
    {
        Ops tf = Ops.create(graph);
        prefix = tf.placeholder(TString.class);
        List<Operand<?>> values = new ArrayList<>();
        for (Tensor tensor : tensors) {
            Placeholder<?> input = tf.placeholder(TensorTypes.classOf(tensor.dataType()), Placeholder.shape(tensor.shape()));
            inputs.add(input);
            values.add(input);
        }
        save = tf.train.save(prefix, tf.constant(StandardCharsets.UTF_8, names.toArray(String[]::new)),
                tf.constant(StandardCharsets.UTF_8, RestoreV2Reader.emptySlices(names.size())), values);
    }

    /**
     * Writes the snapshot with the given prefix ({@code dir/variables} gives {@code dir/variables.index}).
     */
    public static void write(ModelSnapshot snapshot, Path prefix)
    {
        try (SaveV2Writer writer = new SaveV2Writer(snapshot.variables().stream().map(ModelVariable::name).toList(), snapshot.tensors())) {
            writer.run(snapshot.tensors(), prefix);
        }
    }

    public void run(List<Tensor> tensors, Path path)
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
