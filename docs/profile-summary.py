#!/usr/bin/env python3
"""Summarizes a JFR recording of cairn: where each kind of thread spends its samples.

    jfr print --json --events jdk.ExecutionSample,jdk.NativeMethodSample REC.jfr | docs/profile-summary.py [TOP]

Threads are grouped by name (cairn-save-*, cairn-transfer-*, main, ...). For each group it prints the
share of samples per top frame (the method running) and per first Cairn or TensorFlow frame on the
stack (the call that led there), so both "SHA-256 compression" and "ChunkStore.put" show.
"""
import json
import re
import sys
from collections import Counter, defaultdict

top = int(sys.argv[1]) if len(sys.argv) > 1 else 8
events = json.load(sys.stdin)["recording"]["events"]
groups = defaultdict(lambda: {"samples": 0, "self": Counter(), "caller": Counter()})


def frame_name(frame):
    method = frame["method"]
    return method["type"]["name"].split(".")[-1] + "." + method["name"]


def group_of(thread):
    name = (thread or {}).get("javaName") or (thread or {}).get("osName") or "?"
    return re.sub(r"-[0-9A-Za-z]+(-[0-9a-f]+)?$", "-*", name) if name.startswith("cairn-") else name


for event in events:
    values = event["values"]
    thread = values.get("sampledThread")
    frames = (values.get("stackTrace") or {}).get("frames") or []
    if not frames:
        continue
    group = groups[group_of(thread)]
    group["samples"] += 1
    group["self"][frame_name(frames[0])] += 1
    for frame in frames:
        type_name = frame["method"]["type"]["name"]
        if type_name.startswith("io.cairn") or type_name.startswith("io/cairn"):
            group["caller"][frame_name(frame)] += 1
            break

total = sum(group["samples"] for group in groups.values())
for name, group in sorted(groups.items(), key=lambda item: -item[1]["samples"]):
    if group["samples"] < total * 0.02:
        continue
    print(f"{name}: {group['samples']} samples ({100 * group['samples'] / total:.0f} %)")
    print("  running:")
    for frame, count in group["self"].most_common(top):
        print(f"    {100 * count / group['samples']:5.1f} %  {frame}")
    print("  in Cairn's:")
    for frame, count in group["caller"].most_common(top):
        print(f"    {100 * count / group['samples']:5.1f} %  {frame}")
