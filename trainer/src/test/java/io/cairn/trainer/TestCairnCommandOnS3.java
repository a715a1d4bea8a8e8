package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.assertUsageError;
import static io.cairn.trainer.Scenarios.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line end to end on {@code s3://}, against S3Proxy on 127.0.0.1: train, ls, inspect,
 * export, resume; the objects are laid out as docs/architecture.md says, for any S3 client to list.
 */
class TestCairnCommandOnS3
{
    private static S3ProxyServer server;

    @TempDir
    Path temp;

    @BeforeAll
    static void startServer()
            throws Exception
    {
        server = S3ProxyServer.start();
        server.createBucket("ckpt");
    }

    @AfterAll
    static void stopServer()
            throws Exception
    {
        server.close();
    }

    @Test
    void verifyOfAStoreThatCannotBeReadExitsThreeNotOne()
    {
        String store = "s3://ckpt/run1?endpoint=http://127.0.0.1:1&path-style=true&access-key-id=a&secret-access-key=b&max-attempts=1";
        CliRun verify = cairn("verify", "--store", store);
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(CairnCommand.UNAVAILABLE);
        assertThat(verify.err()).contains("cannot reach the S3 endpoint http://127.0.0.1:1").contains("which is not damage");
    }

    @Test
    void trainListInspectExportAndResumeOnS3()
    {
        String store = server.uri("ckpt", "run1");
        JsonNode checkpoints = Scenarios.trainSeedKeepingTheLastTwo(store);
        assertThat(cairn("ls", "--store", store, "--json").json().get("store").asText()).isEqualTo("s3://ckpt/run1/");
        // the same flags on local disk list the same checkpoints (runs and times aside)
        Scenarios.assertSameCheckpoints(checkpoints, Scenarios.trainSeedKeepingTheLastTwo(temp.resolve("local").toString()));

        CliRun inspect = cairn("inspect", "--store", store, "--latest", "--json");
        assertThat(inspect.exitCode()).isZero();
        assertThat(inspect.json().get("step").asLong()).isEqualTo(150);

        Path out = temp.resolve("export");
        CliRun export = cairn("export", "--store", store, "--latest", "--to", out.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(out.resolve("saved_model.pb")).isRegularFile();

        // the layout of docs/architecture.md, as a plain S3 client lists it
        List<String> keys = listWithPlainClient("ckpt", "run1/");
        assertThat(keys).contains("run1/cairn-repository.json");
        assertThat(keys).anyMatch(key -> key.matches("run1/chunks/[0-9a-f]{2}/[0-9a-f]{64}"));
        assertThat(keys).filteredOn(key -> key.contains("/checkpoints/"))
                .allMatch(key -> key.matches("run1/runs/[^/]+/checkpoints/\\d{20}\\.json"))
                .hasSize(2);
        assertThat(keys).noneMatch(key -> key.contains(".cairn-probe"));
    }

    @Test
    void runsOnS3ShowEachRunsParentBytesAndLiveWriter()
            throws IOException
    {
        Scenarios.assertRunsShowLineageBytesAndWriters(server.uri("ckpt", "runs"));
    }

    @Test
    void exportToAServingBaseOnS3WritesVersionsOneAndTwoThatLoad()
            throws IOException
    {
        String store = server.uri("ckpt", "serving-source");
        Scenarios.trainSeedKeepingTheLastTwo(store);
        String base = server.uri("ckpt", "serving");
        for (int i = 0; i < 2; i++) {
            CliRun export = cairn("export", "--store", store, "--latest", "--serving-base", base);
            assertThat(export.exitCode()).as(export.toString()).isZero();
            assertThat(export.err()).contains("as version " + (i + 1) + " to s3://ckpt/serving/" + (i + 1) + "/");
        }
        List<String> keys = listWithPlainClient("ckpt", "serving/");
        assertThat(keys).containsExactlyInAnyOrder(
                "serving/1/saved_model.pb", "serving/1/variables/variables.data-00000-of-00001", "serving/1/variables/variables.index",
                "serving/2/saved_model.pb", "serving/2/variables/variables.data-00000-of-00001", "serving/2/variables/variables.index");
        CliRun existing = cairn("export", "--store", store, "--latest", "--serving-base", base, "--version", "2");
        assertUsageError(existing, "Version 2 already exists");

        // what TF Serving would fetch loads in TensorFlow
        Path version = temp.resolve("2");
        try (S3Client client = plainClient()) {
            for (String key : keys.stream().filter(key -> key.startsWith("serving/2/")).toList()) {
                Path file = version.resolve(key.substring("serving/2/".length()));
                Files.createDirectories(file.getParent());
                client.getObject(request -> request.bucket("ckpt").key(key), file);
            }
        }
        TestCairnCommandExport.assertServes(version);
    }

    @Test
    void resumeOnS3EndsLikeAnUninterruptedRun()
    {
        Scenarios.assertResumeEndsLikeAnUninterruptedRun(server.uri("ckpt", "whole"), server.uri("ckpt", "interrupted"));
    }

    @Test
    void fineTuneFromTheLatestCheckpointOnS3AddsFewBytesPerSave()
    {
        Scenarios.fineTuneTheLatestCheckpointWithTheFirstLayerFrozen(server.uri("ckpt", "lineage"));
    }

    @Test
    void everyCommandTakesTheS3SettingsAsStoreOptions()
    {
        // no settings in the URI: endpoint, path style and credentials come only from --store-option
        String store = "s3://ckpt/options";
        String[] options = settings();
        CliRun train = cairn(concat(new String[] {"train", "--store", store, "--epochs", "1", "--save-every-steps", "16", "--mode", "full", "--json"}, options));
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.json().get("saved").toString()).isEqualTo("[16,32]");

        CliRun ls = cairn(concat(new String[] {"ls", "--store", store, "--json"}, options));
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        assertThat(ls.json().get("checkpoints").findValues("step")).extracting(JsonNode::asLong).containsExactly(16L, 32L);
        CliRun inspect = cairn(concat(new String[] {"inspect", "--store", store, "--step", "16", "--json"}, options));
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        assertThat(inspect.json().get("step").asLong()).isEqualTo(16);
        CliRun verify = cairn(concat(new String[] {"verify", "--store", store}, options));
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.err()).contains("2 checkpoint(s) verified, 0 damaged");
        CliRun gc = cairn(concat(new String[] {"gc", "--store", store, "--dry-run"}, options));
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        assertThat(gc.err()).contains("would delete 0");

        // a target of the same scheme opens with the same options
        CliRun export = cairn(concat(new String[] {"export", "--store", store, "--latest", "--to", "s3://ckpt/exported"}, options));
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(listWithPlainClient("ckpt", "exported/")).contains("exported/saved_model.pb");

        CliRun bench = cairn(concat(new String[] {"bench", "--store", "s3://ckpt/bench", "--epochs", "1", "--save-every-steps", "16", "--loads", "1", "--repeat", "1", "--json"}, options));
        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        assertThat(bench.json().get("cases")).hasSize(7);
        // the plain write went through the S3 store, and every case's repository was deleted once measured
        assertThat(bench.json().get("rawWriteMBps").asDouble()).isPositive();
        assertThat(bench.json().get("persistMBps").asDouble()).isPositive();
        assertThat(listWithPlainClient("ckpt", "bench/")).isEmpty();
    }

    @Test
    void aBadOrUnknownStoreOptionExitsTwoNamingTheKeyNeverTheSecret()
    {
        String store = "s3://ckpt/bad-options";
        CliRun badValue = cairn(concat(new String[] {"ls", "--store", store, "--store-option", "max-attempts=lots"}, settings()));
        assertUsageError(badValue, "max-attempts");
        assertThat(badValue.err()).doesNotContain(S3ProxyServer.SECRET_KEY);

        CliRun unknown = cairn(concat(new String[] {"train", "--store", store, "--store-option", "bogus-key=1"}, settings()));
        assertUsageError(unknown, "bogus-key");
        assertThat(unknown.err()).doesNotContain(S3ProxyServer.SECRET_KEY);

        CliRun unpaired = cairn("ls", "--store", store, "--store-option", "secret-access-key=" + S3ProxyServer.SECRET_KEY);
        assertUsageError(unpaired, "secret-access-key");
        assertThat(unpaired.err()).doesNotContain(S3ProxyServer.SECRET_KEY);
    }

    private static String[] settings()
    {
        return new String[] {
                "--store-option", "endpoint=" + server.endpoint(),
                "--store-option", "path-style=true",
                "--store-option", "access-key-id=" + S3ProxyServer.ACCESS_KEY,
                "--store-option", "secret-access-key=" + S3ProxyServer.SECRET_KEY};
    }

    private static List<String> listWithPlainClient(String bucket, String prefix)
    {
        try (S3Client client = plainClient()) {
            return client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
        }
    }

    private static S3Client plainClient()
    {
        return S3Client.builder()
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }
}
