#!/usr/bin/env bash
# Training-thread stall per save, async vs --sync, for the seed model and a ~25M-parameter MLP.
# Prints one JSON line per run: model, mode, the train --json figures. Usage: docs/bench-stall.sh [repeats]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
repeats="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() {
    local name="$1"; shift
    for i in $(seq "$repeats"); do
        rm -rf "$work/store"
        "$root/bin/cairn" train --store "$work/store" --json "$@" 2>/dev/null \
            | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({'case': '$name', 'trainSeconds': round(d['trainSeconds'],3), 'stepsPerSecond': round(d['stepsPerSecond'],1), 'stallMedianMs': round(d['saveStallMillis']['median'],2), 'stallP95Ms': round(d['saveStallMillis']['p95'],2), 'snapshotMedianMs': round(d['snapshotMillis']['median'],2), 'saves': d['saveStallMillis']['count']}))"
    done
}

seed=(--model mlp:100,10,5 --data random:1000 --epochs 5 --batch 32 --mode full --save-every-steps 50)
big=(--model mlp:1000,4096,4096,1000 --data random:4096 --epochs 1 --batch 32 --mode full --save-every-steps 32)

run seed-async "${seed[@]}"
run seed-sync "${seed[@]}" --sync
run 25M-async "${big[@]}"
run 25M-sync "${big[@]}" --sync
run 25M-nosave --model mlp:1000,4096,4096,1000 --data random:4096 --epochs 1 --batch 32 --mode full --save-every-steps 100000
