package io.cairn.core.repository;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestRepositoryLayout
{
    private static final String HASH = "ab" + "0123456789abcdef".repeat(3) + "0123456789abcd";

    @Test
    void chunkKeyFansOutByTheFirstTwoHexDigits()
    {
        assertThat(HASH).hasSize(64);
        assertThat(RepositoryLayout.chunkKey(HASH)).isEqualTo("chunks/ab/" + HASH);
    }

    @Test
    void chunkKeyRejectsMalformedHashes()
    {
        assertThatThrownBy(() -> RepositoryLayout.chunkKey(HASH.toUpperCase()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 lower-case hex digits")
                .hasMessageContaining(HASH.toUpperCase());
        assertThatThrownBy(() -> RepositoryLayout.chunkKey(HASH.substring(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RepositoryLayout.chunkKey("../" + HASH.substring(3)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chunkHashReadsBackTheHashOfAChunkKey()
    {
        assertThat(RepositoryLayout.chunkHash(RepositoryLayout.chunkKey(HASH))).contains(HASH);
    }

    @Test
    void chunkHashRejectsMalformedKeys()
    {
        assertThat(RepositoryLayout.chunkHash("chunks/cd/" + HASH)).as("wrong fan-out directory").isEmpty();
        assertThat(RepositoryLayout.chunkHash("chunks/AB/" + HASH.toUpperCase())).as("upper case").isEmpty();
        assertThat(RepositoryLayout.chunkHash("chunks/ab/" + HASH + "/x")).as("extra segment").isEmpty();
        assertThat(RepositoryLayout.chunkHash("chunks/ab/cd/" + HASH)).as("extra directory").isEmpty();
        assertThat(RepositoryLayout.chunkHash("chunks/" + HASH)).as("no fan-out directory").isEmpty();
        assertThat(RepositoryLayout.chunkHash("chunks/ab/" + HASH.substring(0, 63))).as("short hash").isEmpty();
        assertThat(RepositoryLayout.chunkHash("chunks/ab/" + HASH + ".tmp")).as("suffix").isEmpty();
        assertThat(RepositoryLayout.chunkHash("other/ab/" + HASH)).as("outside chunks/").isEmpty();
        assertThat(RepositoryLayout.chunkHash("runs/ab/" + HASH)).isEmpty();
    }

    @Test
    void chunkHashRejectsFanOutDirectoriesOfTheWrongLength()
    {
        assertThat(RepositoryLayout.chunkHash("chunks/a/" + HASH)).isEmpty();
        assertThat(RepositoryLayout.chunkHash("chunks/ab0/" + HASH)).isEmpty();
        assertThat(RepositoryLayout.chunkHash("chunks/" + HASH + "/" + HASH)).isEmpty();
    }

    @Test
    void manifestKeyPadsTheStepToTwentyDigits()
    {
        assertThat(RepositoryLayout.manifestKey("run-1", 150)).isEqualTo("runs/run-1/checkpoints/00000000000000000150.json");
        assertThat(RepositoryLayout.manifestKey("run-1", 0)).isEqualTo("runs/run-1/checkpoints/00000000000000000000.json");
        assertThat(RepositoryLayout.manifestKey("run-1", Long.MAX_VALUE)).isEqualTo("runs/run-1/checkpoints/09223372036854775807.json");
    }

    @Test
    void manifestKeysSortByStep()
    {
        assertThat(RepositoryLayout.manifestKey("r", 9)).isLessThan(RepositoryLayout.manifestKey("r", 10));
        assertThat(RepositoryLayout.manifestKey("r", 99_999)).isLessThan(RepositoryLayout.manifestKey("r", 100_000));
    }

    @Test
    void manifestKeyRejectsANegativeStepOrABadRun()
    {
        assertThatThrownBy(() -> RepositoryLayout.manifestKey("run-1", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -1");
        assertThatThrownBy(() -> RepositoryLayout.manifestKey("../run", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../run'");
    }

    @Test
    void leaseAndPrefixesLiveUnderTheRun()
    {
        assertThat(RepositoryLayout.leaseKey("run-1")).isEqualTo("runs/run-1/lease");
        assertThat(RepositoryLayout.checkpointsPrefix("run-1")).isEqualTo("runs/run-1/checkpoints/");
    }

    @Test
    void manifestStepParsesTheKeysManifestKeyWrites()
    {
        assertThat(RepositoryLayout.manifestStep("run-1", RepositoryLayout.manifestKey("run-1", 150))).contains(150L);
        assertThat(RepositoryLayout.manifestStep("run-1", RepositoryLayout.manifestKey("run-1", Long.MAX_VALUE))).contains(Long.MAX_VALUE);
    }

    @Test
    void manifestStepIgnoresKeysThatAreNotManifestsOfTheRun()
    {
        assertThat(RepositoryLayout.manifestStep("run-1", "runs/run-1/checkpoints/150.json")).as("unpadded").isEmpty();
        assertThat(RepositoryLayout.manifestStep("run-1", "runs/run-1/checkpoints/00000000000000000150.json.tmp")).isEmpty();
        assertThat(RepositoryLayout.manifestStep("run-1", "runs/run-1/checkpoints/0000000000000000015a.json")).isEmpty();
        assertThat(RepositoryLayout.manifestStep("run-1", "runs/run-1/checkpoints/sub/00000000000000000150.json")).isEmpty();
        assertThat(RepositoryLayout.manifestStep("run-1", "runs/run-2/checkpoints/00000000000000000150.json")).as("other run").isEmpty();
        assertThat(RepositoryLayout.manifestStep("run-1", "runs/run-10/checkpoints/00000000000000000150.json")).as("run with a longer id").isEmpty();
        assertThat(RepositoryLayout.manifestStep("run-1", "runs/run-1/lease")).isEmpty();
    }

    @Test
    void manifestStepIgnoresTwentyDigitNamesBeyondTheLargestStep()
    {
        assertThat(RepositoryLayout.manifestStep("run-1", "runs/run-1/checkpoints/99999999999999999999.json")).isEmpty();
    }

    @Test
    void runOfReadsTheRunOfKeysUnderRuns()
    {
        assertThat(RepositoryLayout.runOf("runs/run-1/lease")).contains("run-1");
        assertThat(RepositoryLayout.runOf(RepositoryLayout.manifestKey("run-1", 3))).contains("run-1");
        assertThat(RepositoryLayout.runOf("runs/run-1")).isEmpty();
        assertThat(RepositoryLayout.runOf("runs/.hidden/lease")).isEmpty();
        assertThat(RepositoryLayout.runOf("chunks/ab/" + HASH)).isEmpty();
    }

    @Test
    void checkRunIdAcceptsLettersDigitsAndInnerSymbols()
    {
        assertThat(RepositoryLayout.checkRunId("20261129T031500Z-1a2b3c")).isEqualTo("20261129T031500Z-1a2b3c");
        assertThat(RepositoryLayout.checkRunId("a")).isEqualTo("a");
        assertThat(RepositoryLayout.checkRunId("my_run.v2")).isEqualTo("my_run.v2");
        assertThat(RepositoryLayout.checkRunId("r".repeat(128))).hasSize(128);
    }

    @Test
    void checkRunIdRejectsIdsThatCouldEscapeOrAreTooLong()
    {
        for (String bad : new String[] {"../x", "", "a/b", ".", "..", "-run", "_run", "a b", "a\\b", "r".repeat(129), "r".repeat(200)}) {
            assertThatThrownBy(() -> RepositoryLayout.checkRunId(bad))
                    .as("run id '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("got '" + bad + "'");
        }
        assertThatThrownBy(() -> RepositoryLayout.checkRunId(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 'null'");
    }

    @Test
    void checkHashNamesTheThingChecked()
    {
        assertThatThrownBy(() -> RepositoryLayout.checkHash("xyz", "Chunk of file a.bin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Chunk of file a.bin must be 64 lower-case hex digits, got 'xyz'");
        assertThat(RepositoryLayout.checkHash(HASH, "h")).isEqualTo(HASH);
    }

    @Test
    void quarantineKeysRoundTripAndOnlyWellFormedOnesParse()
    {
        String key = RepositoryLayout.quarantineKey("run-a", 70, java.time.Instant.parse("2026-12-02T02:30:05.123Z"));
        assertThat(key).isEqualTo("quarantine/run-a/00000000000000000070-20261202T023005123Z.json");
        assertThat(RepositoryLayout.quarantinedStep("run-a", key)).contains(70L);
        assertThat(RepositoryLayout.quarantinedStep("run-b", key)).isEmpty();
        assertThat(RepositoryLayout.quarantinedStep("run-a", "quarantine/run-a/00000000000000000070.json")).isEmpty();
        assertThat(RepositoryLayout.quarantinedStep("run-a", "quarantine/run-a/../00000000000000000070-20261202T023005123Z.json")).isEmpty();
        assertThat(RepositoryLayout.quarantinedStep("run-a", "quarantine/run-a/x/00000000000000000070-20261202T023005123Z.json")).isEmpty();
        // a quarantined manifest is no run's checkpoint
        assertThat(RepositoryLayout.runOf(key)).isEmpty();
        assertThat(RepositoryLayout.manifestStep("run-a", key)).isEmpty();
    }
}
