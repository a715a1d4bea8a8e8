package io.cairn.trainer.inject;

import io.cairn.core.checkpoint.MetricMode;
import io.cairn.core.checkpoint.SaveKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TestCairnConfig
{
    @TempDir
    Path temp;

    @Test
    void onlyTheStoreIsRequiredAndTheRestHasTheCommandLinesDefaults()
    {
        CairnConfig config = CairnConfig.builder().storeUri("file:/tmp/ckpt").build();
        assertThat(config.storeUri()).isEqualTo("file:/tmp/ckpt");
        assertThat(config.storeOptions()).isEmpty();
        assertThat(config.chunkSize()).isEqualTo(4 << 20);
        assertThat(config.uploadThreads()).isEqualTo(4);
        assertThat(config.openExisting()).isFalse();
        assertThat(config.saveKind()).isEqualTo(SaveKind.FULL);
        assertThat(config.saveEverySteps()).isEmpty();
        assertThat(config.saveEvery()).isEmpty();
        assertThat(config.saveEveryEpochs()).isEmpty();
        assertThat(config.saveBest()).isEmpty();
        assertThat(config.saveOnFinish()).isFalse();
        assertThat(config.keepLast()).isEmpty();
        assertThat(config.keepEverySteps()).isEmpty();
        assertThat(config.keepBest()).isEmpty();
        assertThat(config.keepBestMonitor()).isEqualTo(new CairnConfig.Monitor("loss", MetricMode.MIN));
        assertThat(config.sync()).isFalse();
        assertThat(config.maxInFlight()).isEqualTo(4);
        assertThat(config.maxSnapshotBytes()).isEqualTo(2L << 30);
        assertThat(config.leaseTtl()).isEqualTo(Duration.ofSeconds(60));

        assertThatThrownBy(() -> CairnConfig.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storeUri").hasMessageContaining("CAIRN_STORE").hasMessageContaining("cairn.store");
    }

    @Test
    void explicitValuesWinOverTheEnvironmentWhichWinsOverTheFile()
            throws IOException
    {
        Path file = Files.writeString(temp.resolve("cairn.properties"), """
                cairn.store=file:/from-file
                cairn.keep-last=1
                cairn.chunk-size=64KiB
                cairn.save-kind=weights
                cairn.save-every=5m
                cairn.store-option.region=file-region
                cairn.store-option.endpoint=http://127.0.0.1:9000
                """);
        Map<String, String> environment = Map.of(
                "CAIRN_STORE", "file:/from-environment",
                "CAIRN_KEEP_LAST", "2",
                "CAIRN_SAVE_KIND", "state",
                "CAIRN_SAVE_EVERY", " ",
                // a store's own setting and the launcher's options are not Cairn's keys, and are left alone
                "CAIRN_S3_REGION", "eu-west-1",
                "CAIRN_JAVA_OPTS", "-Xmx1g");
        // the order of the calls does not matter
        CairnConfig config = CairnConfig.builder()
                .storeUri("file:/explicit")
                .saveKind(SaveKind.FULL)
                .storeOption("region", "explicit-region")
                .fromEnvironment(environment)
                .fromProperties(file)
                .build();
        assertThat(config.storeUri()).isEqualTo("file:/explicit");
        assertThat(config.saveKind()).isEqualTo(SaveKind.FULL);
        assertThat(config.keepLast()).isEqualTo(OptionalInt.of(2));
        assertThat(config.chunkSize()).isEqualTo(64 << 10);
        // a blank variable counts as unset
        assertThat(config.saveEvery()).contains(Duration.ofMinutes(5));
        assertThat(config.storeOptions()).containsExactlyInAnyOrderEntriesOf(Map.of("region", "explicit-region", "endpoint", "http://127.0.0.1:9000"));

        CairnConfig withoutExplicit = CairnConfig.builder().fromProperties(file).fromEnvironment(environment).build();
        assertThat(withoutExplicit.storeUri()).isEqualTo("file:/from-environment");
        assertThat(withoutExplicit.saveKind()).isEqualTo(SaveKind.STATE);

        CairnConfig fileOnly = CairnConfig.builder().fromProperties(file).build();
        assertThat(fileOnly.storeUri()).isEqualTo("file:/from-file");
        assertThat(fileOnly.keepLast()).isEqualTo(OptionalInt.of(1));
        assertThat(fileOnly.saveKind()).isEqualTo(SaveKind.WEIGHTS);
    }

    @Test
    void everyKeyParsesFromTextWithCoresSettingValues()
    {
        Map<String, String> environment = Map.ofEntries(
                Map.entry("CAIRN_STORE", "s3://bucket/prefix"),
                Map.entry("CAIRN_CHUNK_SIZE", "1MiB"),
                Map.entry("CAIRN_UPLOAD_THREADS", "8"),
                Map.entry("CAIRN_OPEN_EXISTING", "true"),
                Map.entry("CAIRN_SAVE_KIND", "STATE"),
                Map.entry("CAIRN_SAVE_EVERY_STEPS", "10"),
                Map.entry("CAIRN_SAVE_EVERY", "PT90S"),
                Map.entry("CAIRN_SAVE_EVERY_EPOCHS", "2"),
                Map.entry("CAIRN_SAVE_BEST", "accuracy"),
                Map.entry("CAIRN_SAVE_BUDGET", "5%"),
                Map.entry("CAIRN_SAVE_ON_FINISH", "yes"),
                Map.entry("CAIRN_KEEP_LAST", "3"),
                Map.entry("CAIRN_KEEP_EVERY_STEPS", "100"),
                Map.entry("CAIRN_KEEP_EVERY", "1h"),
                Map.entry("CAIRN_KEEP_BEST", "1"),
                Map.entry("CAIRN_SYNC", "1"),
                Map.entry("CAIRN_MAX_IN_FLIGHT", "2"),
                Map.entry("CAIRN_MAX_SNAPSHOT_BYTES", "512MiB"),
                Map.entry("CAIRN_LEASE_TTL", "2m"));
        CairnConfig config = CairnConfig.builder().fromEnvironment(environment).build();
        assertThat(config.storeUri()).isEqualTo("s3://bucket/prefix");
        assertThat(config.chunkSize()).isEqualTo(1 << 20);
        assertThat(config.uploadThreads()).isEqualTo(8);
        assertThat(config.openExisting()).isTrue();
        assertThat(config.saveKind()).isEqualTo(SaveKind.STATE);
        assertThat(config.saveEverySteps()).isEqualTo(OptionalLong.of(10));
        assertThat(config.saveEvery()).contains(Duration.ofSeconds(90));
        assertThat(config.saveEveryEpochs()).isEqualTo(OptionalInt.of(2));
        assertThat(config.saveBest()).contains(new CairnConfig.Monitor("accuracy", MetricMode.MAX));
        assertThat(config.saveBudget().getAsDouble()).isCloseTo(0.05, within(1e-12));
        assertThat(config.keepBestMonitor()).isEqualTo(new CairnConfig.Monitor("accuracy", MetricMode.MAX));
        assertThat(config.saveOnFinish()).isTrue();
        assertThat(config.keepLast()).isEqualTo(OptionalInt.of(3));
        assertThat(config.keepEverySteps()).isEqualTo(OptionalLong.of(100));
        assertThat(config.keepEvery()).contains(Duration.ofHours(1));
        assertThat(config.keepBest()).isEqualTo(OptionalInt.of(1));
        assertThat(config.sync()).isTrue();
        assertThat(config.maxInFlight()).isEqualTo(2);
        assertThat(config.maxSnapshotBytes()).isEqualTo(512L << 20);
        assertThat(config.leaseTtl()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aFileWithTwoBadKeysReportsBothInOneException()
            throws IOException
    {
        Path file = Files.writeString(temp.resolve("bad.properties"), """
                cairn.store=file:/tmp/ckpt
                cairn.keep-last=two
                cairn.chunk-size=huge
                """);
        assertThatThrownBy(() -> CairnConfig.builder().fromProperties(file).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 problems")
                .hasMessageContaining("cairn.keep-last (in " + file + ") must be a whole number from 1 to")
                .hasMessageContaining("got 'two'")
                .hasMessageContaining("cairn.chunk-size (in " + file + ") must be a size from 4KiB to 256MiB")
                .hasMessageContaining("got 'huge'");
    }

    @Test
    void unknownKeysInTheFileAreErrorsListingTheKnownOnes()
            throws IOException
    {
        Path file = Files.writeString(temp.resolve("typo.properties"), """
                cairn.store=file:/tmp/ckpt
                cairn.keep-lats=2
                cairn.save-kind=everything
                """);
        assertThatThrownBy(() -> CairnConfig.builder().fromProperties(file).build())
                .hasMessageContaining("cairn.keep-lats (in " + file + ") is not a Cairn key")
                .hasMessageContaining("cairn.save-kind (in " + file + ") must be full, weights or state, got 'everything'")
                .hasMessageContaining("the keys are cairn.store, cairn.chunk-size");
    }

    @Test
    void badValuesFromEverySourceAreReportedTogetherByTheirNames()
    {
        assertThatThrownBy(() -> CairnConfig.builder()
                .storeUri("file:/tmp/ckpt")
                .keepLast(0)
                .uploadThreads(65)
                .leaseTtl(Duration.ofSeconds(1))
                .saveBudget(1)
                .fromEnvironment(Map.of("CAIRN_SAVE_EVERY", "soon", "CAIRN_SAVE_BEST", "loss:down", "CAIRN_SAVE_BUDGET", "150%"))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7 problems")
                .hasMessageContaining("saveBudget must be more than 0 and less than 1")
                .hasMessageContaining("CAIRN_SAVE_BUDGET (from the environment): Save budget must be more than 0% and less than 100% of training time, got 150%")
                .hasMessageContaining("keepLast must be at least 1, got 0")
                .hasMessageContaining("uploadThreads must be from 1 to 64, got 65")
                .hasMessageContaining("leaseTtl must be at least 3 seconds")
                .hasMessageContaining("CAIRN_SAVE_EVERY (from the environment) must be a positive duration")
                .hasMessageContaining("CAIRN_SAVE_BEST (from the environment) must be METRIC, METRIC:min or METRIC:max");
    }

    @Test
    void anUnreadableFileFailsAtOnceNamingIt()
    {
        Path missing = temp.resolve("missing.properties");
        assertThatThrownBy(() -> CairnConfig.builder().fromProperties(missing))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void toStringShowsStoreOptionKeysButNotTheirValues()
    {
        CairnConfig config = CairnConfig.builder().storeUri("s3://b/p").storeOption("secret-access-key", "hush-hush").keepLast(2).build();
        assertThat(config.toString()).contains("s3://b/p").contains("secret-access-key").contains("keepLast=2").doesNotContain("hush-hush");
    }
}
