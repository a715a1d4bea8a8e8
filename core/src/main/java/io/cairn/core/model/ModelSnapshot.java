package io.cairn.core.model;

import org.tensorflow.Result;
import org.tensorflow.Tensor;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Host copies of some variables, taken between two training steps. Owns native memory: close it.
 */
public final class ModelSnapshot
        implements AutoCloseable
{
    private final List<ModelVariable> variables;
    private final List<Tensor> tensors;
    private final Result result;
    private final long bytes;

    ModelSnapshot(List<ModelVariable> variables, List<Tensor> tensors, Result result)
    {
        this.variables = List.copyOf(requireNonNull(variables, "variables is null"));
        this.tensors = List.copyOf(requireNonNull(tensors, "tensors is null"));
        this.result = requireNonNull(result, "result is null");
        this.bytes = tensors.stream().mapToLong(Tensor::numBytes).sum();
    }

    public List<ModelVariable> variables()
    {
        return variables;
    }

    public List<Tensor> tensors()
    {
        return tensors;
    }

    public long bytes()
    {
        return bytes;
    }

    @Override
    public void close()
    {
        result.close();
    }
}
