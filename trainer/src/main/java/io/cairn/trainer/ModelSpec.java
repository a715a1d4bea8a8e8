package io.cairn.trainer;

import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * {@code --model mlp:A,B,...,Z}: a {@code Sequential} of Dense layers with A inputs, relu hidden
 * layers and a softmax output of Z classes, trained with Adam on categorical cross-entropy.
 *
 * @param sizes the layer sizes, inputs first, classes last
 */
record ModelSpec(List<Integer> sizes)
{
    ModelSpec
    {
        sizes = List.copyOf(requireNonNull(sizes, "sizes is null"));
    }

    static ModelSpec parse(String spec)
    {
        if (!spec.startsWith("mlp:")) {
            throw new IllegalArgumentException("Unknown --model '" + spec + "'; expected mlp:INPUTS,HIDDEN...,CLASSES such as mlp:100,10,5");
        }
        List<Integer> sizes = new ArrayList<>();
        for (String part : spec.substring("mlp:".length()).split(",", -1)) {
            int size;
            try {
                size = Integer.parseInt(part.trim());
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("--model " + spec + ": '" + part + "' is not a layer size; expected e.g. mlp:100,10,5");
            }
            if (size <= 0) {
                throw new IllegalArgumentException("--model " + spec + ": layer sizes must be positive");
            }
            sizes.add(size);
        }
        if (sizes.size() < 2) {
            throw new IllegalArgumentException("--model " + spec + " needs at least inputs and classes, e.g. mlp:100,10,5");
        }
        return new ModelSpec(sizes);
    }

    int inputs()
    {
        return sizes.get(0);
    }

    int classes()
    {
        return sizes.get(sizes.size() - 1);
    }

    Model build(long seed)
    {
        return build(seed, 0);
    }

    /**
     * @param frozenLayers how many of the first dense layers stay frozen ({@code Sequential.freeze})
     */
    Model build(long seed, int frozenLayers)
    {
        Model model = Sequential.mlp(sizes.stream().mapToInt(Integer::intValue).toArray()).seed(seed).freeze(frozenLayers).build();
        model.initialize();
        return model;
    }

    @Override
    public String toString()
    {
        return sizes.stream().map(String::valueOf).collect(Collectors.joining(",", "mlp:", ""));
    }
}
