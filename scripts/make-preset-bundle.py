#!/usr/bin/env python3
"""Writes a bundle of N generated presets in the export format (docs/presets.md) for the load
scripts: realistic names, 3 tags and a sentence of notes each, fixed seed so every run and every
script imports the same bytes.  Usage: make-preset-bundle.py OUT.json [N=10000]"""
import json
import random
import sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
random.seed(7)
words = ["Warm", "Glass", "Ember", "Night", "Drone", "Pad", "Bell", "Storm", "Calm", "Deep",
         "Bright", "Hollow", "Silk", "Iron", "Mist"]
tags = ["pad", "lead", "favourite", "ambient", "bass", "texture", "live", "test"]
presets = [{
    "name": f"{random.choice(words)} {random.choice(words)} {i}",
    "tags": random.sample(tags, 3),
    "notes": f"A sentence of notes about this preset number {i}.",
    "engine": {"coupling_strength": round(random.uniform(0, 2), 3),
               "amplitudes": [round(random.uniform(0, 1), 3) for _ in range(8)]},
    "downmix": {"strategy": random.choice(["spatial", "energy", "linear", "phi"])},
} for i in range(count)]
with open(out, "w") as f:
    json.dump({"schema_version": 1, "presets": presets}, f)
