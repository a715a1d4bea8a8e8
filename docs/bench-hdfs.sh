#!/usr/bin/env bash
# Write/read MB/s of a checkpoint-sized file through Cairn vs a plain Hadoop FileSystem copy, against
# a MiniDFSCluster in the benchmark's JVM on 127.0.0.1. Usage: docs/bench-hdfs.sh [megabytes=300] [rounds=3]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -Dstyle.color=never -DskipTests install -pl storage-hdfs -am >&2
cp_file="$(mktemp)"
mvn -B -q -Dstyle.color=never -pl storage-hdfs dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
exec java -Xmx4g -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 ${CAIRN_BENCH_OPTS:-} \
    -cp "storage-hdfs/target/test-classes:storage-hdfs/target/classes:$(cat "$cp_file")" \
    io.cairn.storage.hdfs.HdfsThroughputBenchmark "${1:-300}" "${2:-3}"
