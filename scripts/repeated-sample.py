#!/usr/bin/env python3
"""Draws the hand-checked sample of repeat links (docs/similar.md, "Precision").

Usage: scripts/repeated-sample.py DB [N] > sample.tsv
Runs `openupr repeated --min-score 0.3` (the floor: every link any threshold can give) on DB and
draws N links (default 100) uniformly with a fixed seed (16), so that a subset at any threshold
is a uniform sample of the links at that threshold. Writes earlier_uid, later_uid, score, an
empty label column, and both texts, tab-separated, by score descending; the label (1: the same
ask, reworded; 0: not) is filled in by reading both texts.
"""
import json
import random
import subprocess
import sys

db = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
binary = "build/src/cli/openupr"
out = subprocess.run([binary, "--db", db, "repeated", "--min-score", "0.3", "--limit", "10000",
                      "--json"], check=True, capture_output=True, text=True).stdout
chains = json.loads(out)["chains"]
links = []
for c in chains:
    recs = c["records"]
    for i in range(1, len(recs)):
        links.append((recs[i - 1], recs[i], c["scores"][i - 1]))
links.sort(key=lambda l: (l[0]["id"], l[1]["id"]))
sample = random.Random(16).sample(links, min(n, len(links)))
sample.sort(key=lambda l: -l[2])
print("earlier_uid\tlater_uid\tscore\tsame_ask\tearlier_text\tlater_text")
clean = lambda t: " ".join(t.split())
for a, b, s in sample:
    print(f"{a['uid']}\t{b['uid']}\t{s:.4f}\t\t{clean(a['text'])}\t{clean(b['text'])}")
