#!/usr/bin/env bash
# Profiles the slowest paths of a save and of a restore with Java Flight Recorder, on the 25M-parameter
# model (mlp:1000,4096,4096,1000, 302 MB of variables with Adam's slots), and prints where each kind of
# thread spends its samples (docs/profile-summary.py).
#
#   docs/profile.sh [DIR]      recordings and the repository go to DIR (default: a new temp directory)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$(mktemp -d -t cairn-profile-XXXXXX)}"
mkdir -p "$dir"
model=(--model mlp:1000,4096,4096,1000 --data random:4096 --batch 32)
cd "$root"

echo "== save: FULL every 32 steps while training, 2 epochs (256 steps, 8 saves)"
CAIRN_JAVA_OPTS="-XX:StartFlightRecording=filename=$dir/save.jfr,settings=profile -Xlog:jfr+startup=warning" \
    bin/cairn train --store "$dir/repository" "${model[@]}" --epochs 2 --mode full --save-every-steps 32 2>/dev/null >/dev/null
jfr print --json --events jdk.ExecutionSample,jdk.NativeMethodSample "$dir/save.jfr" | docs/profile-summary.py

echo "== restore: the newest checkpoint, 15 times, alternating with SavedModelBundle.load of its export"
TF_CPP_MIN_LOG_LEVEL=2 java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -XX:StartFlightRecording=filename="$dir/restore.jfr",settings=profile -Xlog:jfr+startup=warning \
    -cp "trainer/target/cairn-trainer-0.1.0-SNAPSHOT.jar:trainer/target/lib/*" \
    docs/RestoreLoop.java "$dir/repository" 15 1000,4096,4096,1000 2> >(grep -v -e '^I0000' -e '^WARNING: All log messages' >&2)
jfr print --json --events jdk.ExecutionSample,jdk.NativeMethodSample "$dir/restore.jfr" | docs/profile-summary.py
echo "recordings: $dir/save.jfr $dir/restore.jfr (open them in JDK Mission Control for flame graphs)"
