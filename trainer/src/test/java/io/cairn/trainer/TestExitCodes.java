package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointException;
import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.ModelMismatchException;
import io.cairn.core.data.MalformedDataException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.FileNotFoundException;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exit 2 is decided by the exception's type: only what says "the input is wrong" is bad usage.
 */
class TestExitCodes
{
    @Test
    void usageAndInputExceptionsExitTwo()
    {
        assertThat(CairnCommand.exitCode(new UsageException("--epochs must be at least 1, got 0"))).isEqualTo(CairnCommand.USAGE);
        assertThat(CairnCommand.exitCode(new CommandLine.ParameterException(new CommandLine(CommandLine.Model.CommandSpec.create()), "Unknown option"))).isEqualTo(CairnCommand.USAGE);
        assertThat(CairnCommand.exitCode(new MalformedDataException("a.csv line 3: expected 3 columns"))).isEqualTo(CairnCommand.USAGE);
        assertThat(CairnCommand.exitCode(new ModelMismatchException("dense_1_kernel is [100, 10] here, [100, 12] in the checkpoint"))).isEqualTo(CairnCommand.USAGE);
    }

    @Test
    void failuresWhileWorkingExitOneWhateverTheirType()
    {
        // a blob missing mid-operation, or a bug's IllegalArgumentException, is not the user's input
        assertThat(CairnCommand.exitCode(new FileNotFoundException("No blob chunks/ab/ab.. in file:/x/"))).isEqualTo(CairnCommand.FAILED);
        assertThat(CairnCommand.exitCode(new IllegalArgumentException("Negative length -1 for chunks/ab"))).isEqualTo(CairnCommand.FAILED);
        assertThat(CairnCommand.exitCode(new CorruptCheckpointException("Chunk ab is missing"))).isEqualTo(CairnCommand.FAILED);
        assertThat(CairnCommand.exitCode(new CheckpointException("Run r is being written by host pid 1"))).isEqualTo(CairnCommand.FAILED);
        assertThat(CairnCommand.exitCode(new IllegalStateException("Run gc when training has stopped"))).isEqualTo(CairnCommand.FAILED);
        assertThat(CairnCommand.exitCode(new IOException("Cannot reach the S3 endpoint"))).isEqualTo(CairnCommand.FAILED);
    }

    @Test
    void verifyThatCannotReadTheStoreExitsThreeNotOne()
    {
        // "retry later" is not "the data is damaged"
        assertThat(CairnCommand.exitCode(new StoreUnavailableException("Cannot read s3://b/p/chunks/ab/ab..: cannot reach the S3 endpoint", new IOException()))).isEqualTo(CairnCommand.UNAVAILABLE);
        assertThat(CairnCommand.UNAVAILABLE).isNotIn(CairnCommand.OK, CairnCommand.FAILED, CairnCommand.USAGE);
    }

    @Test
    void thePrintedLineIsOneLineInFlagNamesWithoutSecrets()
    {
        String[] args = {"ls", "--store", "s3://b/p", "--store-option", "secret-access-key=hush-hush"};
        assertThat(CairnCommand.printable("Rejected hush-hush:\n  keepLast must be at least 1", args)).isEqualTo("Rejected <redacted>: --keep-last must be at least 1");
    }
}
