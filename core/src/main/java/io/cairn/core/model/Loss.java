package io.cairn.core.model;

public enum Loss
{
    CATEGORICAL_CROSSENTROPY,
    MEAN_SQUARED_ERROR,
}
