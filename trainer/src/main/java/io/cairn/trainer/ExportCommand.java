package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * Writes a checkpoint as plain files ({@code --to}), or as the next version of a TF Serving model base
 * ({@code --serving-base}, see {@code CheckpointRepository.exportServingVersion}). {@code --store-option} applies to the target too
 * when it has the scheme of {@code --store} (say, another bucket on the same endpoint); a target of
 * another scheme opens with its defaults and its URI query. {@code --version} is the serving version
 * here, so this command has no picocli {@code --version} flag.
 */
@Command(name = "export",
        description = "Write a checkpoint as plain files: a SavedModel directory (FULL) or TF checkpoint files, plus trainer-state.json; "
                + "or, with --serving-base, a FULL checkpoint as the next version directory TF Serving polls.")
final class ExportCommand
        implements Callable<Integer>
{
    private final Console console;

    @Mixin
    RepositoryOptions repository;

    @ArgGroup(exclusive = true, multiplicity = "1")
    CheckpointSelection selection;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--version", paramLabel = "N", description = "With --serving-base: the version to write (default: the highest there plus 1); an existing one is refused.")
    Long version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    static final class Target
    {
        @Option(names = "--to", paramLabel = "URI-OR-DIR",
                description = "Where to write; must be empty or not exist. A store of the --store scheme gets the --store-option settings too.")
        String to;

        @Option(names = "--serving-base", paramLabel = "URI-OR-DIR",
                description = "A TF Serving model base: writes the SavedModel as its next version, BASE/<N>/, never half-written.")
        String servingBase;
    }

    ExportCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        if (version != null && target.servingBase == null) {
            throw new UsageException("--version picks the version of --serving-base; with --to, leave it out");
        }
        if (version != null && version < 0) {
            throw new UsageException("--version must be 0 or more, got " + version);
        }
        if (target.servingBase != null) {
            return toServingBase();
        }
        StoreLocation location = repository.location().sibling(target.to);
        try (Wiring wiring = repository.wire()) {
            CheckpointRepository opened = wiring.repository();
            // the target opens through the same store providers as the repository's store
            try (CheckpointStore targetStore = location.open(wiring.instance(CheckpointStores.class))) {
                Manifest manifest = repository.checkpoint(opened, selection.step());
                if (!targetStore.list("").isEmpty()) {
                    throw new UsageException("Export target " + targetStore.location() + " is not empty; export into a new or empty directory");
                }
                List<String> written = opened.export(manifest, targetStore, "");
                console.err().println("Exported run " + manifest.run() + " step " + manifest.step() + " (" + manifest.kind() + ", " + written.size() + " files) to "
                        + targetStore.location());
                return CairnCommand.OK;
            }
        }
    }

    private int toServingBase()
            throws IOException
    {
        OptionalLong requested = version == null ? OptionalLong.empty() : OptionalLong.of(version);
        Optional<Path> directory = localDirectory(target.servingBase);
        try (Wiring wiring = repository.wire()) {
            CheckpointRepository opened = wiring.repository();
            Manifest manifest = repository.checkpoint(opened, selection.step());
            if (manifest.kind() != SaveKind.FULL) {
                throw new UsageException("Checkpoint of run " + manifest.run() + " at step " + manifest.step() + " is " + manifest.kind()
                        + ", not a SavedModel: --serving-base needs a FULL checkpoint (train with --mode full, or pick one with --step)");
            }
            long written;
            String where;
            try {
                if (directory.isPresent()) {
                    written = opened.exportServingVersion(manifest, directory.get(), requested);
                    where = directory.get().resolve(Long.toString(written)).toString();
                }
                else {
                    try (CheckpointStore base = repository.location().sibling(target.servingBase).open(wiring.instance(CheckpointStores.class))) {
                        written = opened.exportServingVersion(manifest, base, requested);
                        where = base.location() + (base.location().toString().endsWith("/") ? "" : "/") + written + "/";
                    }
                }
            }
            catch (IllegalArgumentException e) {
                // a version that exists, or is not one: the user picked it
                throw new UsageException(e.getMessage().replace("pick another version", "pick another --version"), e);
            }
            console.err().println("Exported run " + manifest.run() + " step " + manifest.step() + " as version " + written + " to " + where);
            return CairnCommand.OK;
        }
    }

    /**
     * A plain path or a {@code file:} URI without a query is a local directory, where a version is
     * renamed into place; anything else is a store.
     */
    private static Optional<Path> localDirectory(String base)
    {
        URI uri;
        try {
            uri = CheckpointStores.parse(base);
        }
        catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        if (!"file".equalsIgnoreCase(uri.getScheme()) || uri.getRawQuery() != null || uri.getRawAuthority() != null) {
            return Optional.empty();
        }
        return Optional.of(Path.of(uri));
    }
}
