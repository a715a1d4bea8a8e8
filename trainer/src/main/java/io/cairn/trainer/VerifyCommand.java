package io.cairn.trainer;

import com.google.inject.ProvisionException;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.DamagedCheckpoint;
import io.cairn.core.checkpoint.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true, description = {"Re-hash every chunk of the checkpoints.",
        "Exit codes: 0 intact, 1 damage found, 2 bad usage, 3 the store could not be read (unreachable or failing): no verdict, run it again."})
final class VerifyCommand
        implements Callable<Integer>
{
    private final Console console;

    @Mixin
    RepositoryOptions repository;

    @Option(names = "--step", paramLabel = "N", description = "Only the checkpoint at step N of the run.")
    Long step;

    VerifyCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        try {
            return verify();
        }
        catch (ProvisionException e) {
            if (e.getCause() instanceof IOException io && !(io instanceof FileNotFoundException)) {
                throw unavailable(io);
            }
            throw e;
        }
        catch (FileNotFoundException e) {
            throw e;
        }
        catch (IOException | UncheckedIOException e) {
            throw unavailable(e);
        }
    }

    private static StoreUnavailableException unavailable(Exception e)
    {
        return new StoreUnavailableException(e.getMessage() + " (verify could not read the store, which is not damage; run it again when the store answers)", e);
    }

    private Integer verify()
            throws IOException
    {
        try (Wiring wiring = repository.wire()) {
            CheckpointRepository opened = wiring.repository();
            List<Manifest> checkpoints = step == null ? repository.checkpoints(opened) : List.of(repository.checkpoint(opened, Optional.of(step)));
            // manifests that do not parse are named too, and verify goes on past them
            List<DamagedCheckpoint> unreadable = step != null ? List.of()
                    : repository.run == null ? opened.damagedCheckpoints() : opened.damagedCheckpoints(repository.run(opened));
            int damaged = 0;
            for (DamagedCheckpoint bad : unreadable) {
                damaged++;
                console.err().println("DAMAGED  run " + bad.run() + " step " + bad.step());
                console.err().println("         " + bad.reason());
            }
            for (Manifest manifest : checkpoints) {
                List<String> problems = opened.verify(manifest);
                if (problems.isEmpty()) {
                    console.err().println("ok       run " + manifest.run() + " step " + manifest.step());
                }
                else {
                    damaged++;
                    console.err().println("DAMAGED  run " + manifest.run() + " step " + manifest.step());
                    problems.forEach(problem -> console.err().println("         " + problem));
                }
            }
            console.err().println((checkpoints.size() + unreadable.size()) + " checkpoint(s) verified, " + damaged + " damaged");
            return damaged == 0 ? CairnCommand.OK : CairnCommand.FAILED;
        }
    }
}
