package io.cairn.core.checkpoint;

import io.cairn.core.model.ModelVariable;
import io.cairn.core.model.VariableRole;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * What a checkpoint holds.
 */
public enum SaveKind
{
    /** A SavedModel (graph, serving signature, every variable) plus trainer state: serving or exact resume. */
    FULL,
    /** Model weights only, in TF checkpoint format: restores into a model built by the same code. */
    WEIGHTS,
    /** Every variable (weights and optimizer state) in TF checkpoint format plus trainer state: exact resume. */
    STATE;

    public Predicate<ModelVariable> variables()
    {
        return this == WEIGHTS ? variable -> variable.role() == VariableRole.WEIGHT : variable -> true;
    }

    public boolean resumable()
    {
        return this != WEIGHTS;
    }

    public static SaveKind parse(String name)
    {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown save kind '" + name + "'; expected full, weights or state");
        }
    }
}
