package io.cairn.trainer;

/**
 * A command could not read the store (unreachable, failing, timing out) and so could not finish; for
 * {@code verify} this is not damage. Exits {@link CairnCommand#UNAVAILABLE}, so that a script can tell
 * "retry later" from "the data is damaged" (exit 1).
 */
final class StoreUnavailableException
        extends RuntimeException
{
    StoreUnavailableException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
