package io.cairn.trainer;

import java.io.PrintStream;

import static java.util.Objects.requireNonNull;

/**
 * Where a command prints: JSON documents to {@code out}, everything for people to {@code err}.
 */
record Console(PrintStream out, PrintStream err)
{
    Console
    {
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
    }
}
