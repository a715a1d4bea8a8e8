#!/usr/bin/env bash
# Upload/download MB/s of a checkpoint-sized file through Cairn vs the plain AWS SDK, against an
# in-JVM S3Proxy on 127.0.0.1. Usage: docs/bench-s3.sh [megabytes=300] [rounds=3]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -Dstyle.color=never -DskipTests install -pl storage-s3 -am >&2
cp_file="$(mktemp)"
mvn -B -q -Dstyle.color=never -pl storage-s3 dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
exec java -Xmx6g ${CAIRN_BENCH_OPTS:-} -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 \
    -cp "storage-s3/target/test-classes:storage-s3/target/classes:$(cat "$cp_file")" \
    io.cairn.storage.s3.S3ThroughputBenchmark "${1:-300}" "${2:-3}"
