package io.cairn.trainer.inject;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Closes what the injector opened: the {@code CheckpointRepository}, or only the
 * {@code CheckpointStore} when no repository was made on it (the repository owns its store and
 * closes it). Get it from the injector and close it when the program is done with Cairn, e.g. in a
 * try-with-resources around the work or a shutdown hook. Checkpointers a program started are its to
 * close, before this.
 *
 * <p>{@link #close()} closes each resource once, newest first, however often it is called; after it,
 * opening a store through the injector fails.
 */
@Singleton
public final class CairnRuntime
        implements AutoCloseable
{
    private final List<AutoCloseable> opened = new ArrayList<>();
    private boolean closed;

    @Inject
    CairnRuntime() {}

    /**
     * Takes a resource the injector just opened, to close it later.
     *
     * @throws IllegalStateException after {@link #close()}, having closed the resource
     */
    synchronized <T extends AutoCloseable> T opened(T resource)
    {
        requireNonNull(resource, "resource is null");
        if (closed) {
            IllegalStateException failure = new IllegalStateException("Cairn's runtime is closed: create a new injector to open the store again");
            try {
                resource.close();
            }
            catch (Exception e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
        opened.add(resource);
        return resource;
    }

    /**
     * Records that {@code owner} now owns {@code resource} and closes it: only the owner is closed.
     */
    synchronized <T extends AutoCloseable> T handedOver(AutoCloseable resource, T owner)
    {
        requireNonNull(resource, "resource is null");
        requireNonNull(owner, "owner is null");
        for (int i = 0; i < opened.size(); i++) {
            if (opened.get(i) == resource) {
                opened.remove(i);
                break;
            }
        }
        return opened(owner);
    }

    /**
     * Closes the repository, or the store if no repository was made; the first failure is thrown
     * with the others suppressed. Later calls do nothing.
     */
    @Override
    public synchronized void close()
            throws IOException
    {
        if (closed) {
            return;
        }
        closed = true;
        Exception failure = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            }
            catch (Exception e) {
                if (failure == null) {
                    failure = e;
                }
                else {
                    failure.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure != null) {
            throw new IOException("Closing Cairn's store failed: " + failure.getMessage(), failure);
        }
    }
}
