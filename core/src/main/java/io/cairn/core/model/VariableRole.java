package io.cairn.core.model;

/**
 * What a variable is for: model weights are what a {@code WEIGHTS} save keeps; optimizer state
 * (moments, beta powers) is what exact resume needs on top.
 */
public enum VariableRole
{
    WEIGHT,
    OPTIMIZER;

    public String jsonName()
    {
        return this == WEIGHT ? "weight" : "optimizer";
    }

    public static VariableRole fromJsonName(String name)
    {
        return switch (name) {
            case "weight" -> WEIGHT;
            case "optimizer" -> OPTIMIZER;
            default -> throw new IllegalArgumentException("Unknown variable role '" + name + "'; expected weight or optimizer");
        };
    }
}
