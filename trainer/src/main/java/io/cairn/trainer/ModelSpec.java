package io.cairn.trainer;

import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;

import java.util.Arrays;

/**
 * {@code --model mlp:A,B,...,Z}: a {@code Sequential} of Dense layers with A inputs, relu hidden
 * layers and a softmax output of Z classes, trained with Adam on categorical cross-entropy.
 */
record ModelSpec(int[] sizes)
{
    static ModelSpec parse(String spec)
    {
        if (!spec.startsWith("mlp:")) {
            throw new IllegalArgumentException("Unknown --model '" + spec + "'; expected mlp:INPUTS,HIDDEN...,CLASSES such as mlp:100,10,5");
        }
        String[] parts = spec.substring("mlp:".length()).split(",", -1);
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].trim());
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("--model " + spec + ": '" + parts[i] + "' is not a layer size; expected e.g. mlp:100,10,5");
            }
            if (sizes[i] <= 0) {
                throw new IllegalArgumentException("--model " + spec + ": layer sizes must be positive");
            }
        }
        if (sizes.length < 2) {
            throw new IllegalArgumentException("--model " + spec + " needs at least inputs and classes, e.g. mlp:100,10,5");
        }
        return new ModelSpec(sizes);
    }

    int inputs()
    {
        return sizes[0];
    }

    int classes()
    {
        return sizes[sizes.length - 1];
    }

    Model build(long seed)
    {
        Model model = Sequential.mlp(sizes).seed(seed).build();
        model.initialize();
        return model;
    }

    @Override
    public String toString()
    {
        return "mlp:" + String.join(",", Arrays.stream(sizes).mapToObj(Integer::toString).toList());
    }
}
