package io.cairn.storage.s3;

import io.cairn.core.checkpoint.ThroughputProbe;
import io.cairn.core.store.CheckpointStores;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

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
            ThroughputProbe.writeRandom(file, megabytes);
            long bytes = Files.size(file);
            for (int round = 1; round <= rounds; round++) {
                String prefix = "round-" + round;
                // plain SDK: one multipart put, one get, of the same bytes
                double sdkPut;
                double sdkGet;
                try (S3AsyncClient client = S3AsyncClient.builder()
                                .endpointOverride(server.endpoint())
                                .forcePathStyle(true)
                                .region(Region.US_EAST_1)
                                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                                .multipartEnabled(true)
                                .build();
                        S3AsyncClient getter = S3AsyncClient.builder()
                                .endpointOverride(server.endpoint())
                                .forcePathStyle(true)
                                .region(Region.US_EAST_1)
                                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                                .build()) {
                    long started = System.nanoTime();
                    client.putObject(request -> request.bucket("bench").key(prefix + "-sdk/blob"), AsyncRequestBody.fromFile(file)).join();
                    sdkPut = ThroughputProbe.seconds(started);
                    started = System.nanoTime();
                    byte[] read = getter.getObject(request -> request.bucket("bench").key(prefix + "-sdk/blob"), AsyncResponseTransformer.toBytes()).join().asByteArrayUnsafe();
                    sdkGet = ThroughputProbe.seconds(started);
                    if (read.length != bytes) {
                        throw new IllegalStateException("SDK get returned " + read.length + " bytes");
                    }
                }

                // Cairn: chunk, hash, upload missing chunks in parallel; read back verifying every hash
                ThroughputProbe.Timing cairn = ThroughputProbe.throughCairn(CheckpointStores.of(new S3CheckpointStoreProvider()).open(server.uri("bench", prefix + "-cairn")), file);
                double cairnPut = cairn.writeSeconds();
                double cairnGet = cairn.readSeconds();
                System.out.printf(Locale.ROOT, "{\"round\": %d, \"megabytes\": %.1f, \"cairnUploadMBps\": %.1f, \"cairnLaterUploadMBps\": %.1f, \"sdkMultipartPutMBps\": %.1f, "
                                + "\"cairnDownloadMBps\": %.1f, \"sdkGetMBps\": %.1f}%n",
                        round, bytes / 1e6, bytes / 1e6 / cairnPut, bytes / 1e6 / cairn.laterWriteSeconds(), bytes / 1e6 / sdkPut, bytes / 1e6 / cairnGet, bytes / 1e6 / sdkGet);
            }
        }
        finally {
            Files.deleteIfExists(file);
        }
        System.exit(0);
    }

}
