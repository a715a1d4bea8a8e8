package io.cairn.storage.s3;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.store.CheckpointStores;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Upload and download MB/s of one checkpoint-sized file (default 300 MB) through Cairn's repository
 * (4 MiB chunks, SHA-256, parallel uploads, hash-verified reads) next to a plain SDK multipart put and
 * a plain get of the same bytes, against one S3Proxy on 127.0.0.1 in the same run. Run with
 * {@code docs/bench-s3.sh}; not a test.
 */
public final class S3ThroughputBenchmark
{
    private S3ThroughputBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path file = Files.createTempFile("cairn-s3-bench-", ".data");
        try (S3ProxyServer server = S3ProxyServer.start()) {
            server.createBucket("bench");
            writeRandom(file, megabytes);
            long bytes = Files.size(file);
            for (int round = 1; round <= rounds; round++) {
                String prefix = "round-" + round;
                // plain SDK: one multipart put, one get, of the same bytes
                S3StoreConfig config = S3StoreConfig.from(java.net.URI.create(server.uri("bench", prefix + "-sdk")), Map.of(), Map.of(), Map.of());
                double sdkPut;
                double sdkGet;
                try (S3CheckpointStore sdkStore = S3CheckpointStoreProvider.open(config);
                        S3AsyncClient client = S3AsyncClient.builder()
                                .endpointOverride(server.endpoint())
                                .forcePathStyle(true)
                                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                                .multipartEnabled(true)
                                .build();
                        S3AsyncClient getter = S3AsyncClient.builder()
                                .endpointOverride(server.endpoint())
                                .forcePathStyle(true)
                                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                                .build()) {
                    long started = System.nanoTime();
                    client.putObject(request -> request.bucket("bench").key(prefix + "-sdk/blob"), AsyncRequestBody.fromFile(file)).join();
                    sdkPut = seconds(started);
                    started = System.nanoTime();
                    byte[] read = getter.getObject(request -> request.bucket("bench").key(prefix + "-sdk/blob"), AsyncResponseTransformer.toBytes()).join().asByteArrayUnsafe();
                    sdkGet = seconds(started);
                    if (read.length != bytes) {
                        throw new IllegalStateException("SDK get returned " + read.length + " bytes");
                    }
                }

                // Cairn: chunk, hash, upload missing chunks in parallel; read back verifying every hash
                double cairnPut;
                double cairnGet;
                try (CheckpointRepository repository = CheckpointRepository.create(CheckpointStores.of(new S3CheckpointStoreProvider()).open(server.uri("bench", prefix + "-cairn")),
                        Integer.getInteger("cairn.bench.chunkSize", 4 << 20), Integer.getInteger("cairn.bench.uploadThreads", 4))) {
                    long started = System.nanoTime();
                    Manifest.FileEntry entry = repository.putFile("variables/variables.data-00000-of-00001", file);
                    cairnPut = seconds(started);
                    Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, "bench", 1, 0, SaveKind.WEIGHTS, "2026-01-01T00:00:00Z", Map.of(),
                            new Manifest.ModelInfo("bench", "0".repeat(64)), repository.chunkSize(), List.of(entry), List.of(), null);
                    started = System.nanoTime();
                    repository.readFile(manifest, entry, OutputStream.nullOutputStream());
                    cairnGet = seconds(started);
                }
                System.out.printf(Locale.ROOT, "{\"round\": %d, \"megabytes\": %.1f, \"cairnUploadMBps\": %.1f, \"sdkMultipartPutMBps\": %.1f, \"cairnDownloadMBps\": %.1f, \"sdkGetMBps\": %.1f}%n",
                        round, bytes / 1e6, bytes / 1e6 / cairnPut, bytes / 1e6 / sdkPut, bytes / 1e6 / cairnGet, bytes / 1e6 / sdkGet);
            }
        }
        finally {
            Files.deleteIfExists(file);
        }
        System.exit(0);
    }

    private static void writeRandom(Path file, int megabytes)
            throws Exception
    {
        SplittableRandom random = new SplittableRandom(1);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < megabytes; i++) {
                for (int j = 0; j < block.length; j += 8) {
                    long value = random.nextLong();
                    for (int k = 0; k < 8; k++) {
                        block[j + k] = (byte) (value >>> (8 * k));
                    }
                }
                out.write(block);
            }
        }
    }

    private static double seconds(long started)
    {
        return (System.nanoTime() - started) / 1e9;
    }
}
