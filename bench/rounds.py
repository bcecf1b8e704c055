#!/usr/bin/env python3
"""hyperfine in rounds, for the millisecond comparisons of bench/*.sh.

One hyperfine run times its commands one after another, so a slow minute of
this shared VM lands on whichever command ran then: the same binary measured
0.77 x just in one run and 1.11 x in the next. Here hyperfine runs ROUNDS
times, the commands in a different order each round (rotated), and each
command's times from every round are pooled; OUT gets hyperfine's JSON shape
(results with command, times, mean and median), so the scripts read it as
they read one run's.

Usage: bench/rounds.py ROUNDS OUT.json [hyperfine options...] -- COMMAND...
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) < 4 or "--" not in argv:
        sys.exit("usage: bench/rounds.py ROUNDS OUT.json [hyperfine options...] -- COMMAND...")
    rounds, out = int(argv[0]), argv[1]
    cut = argv.index("--")
    options, commands = argv[2:cut], argv[cut + 1:]
    times = {c: [] for c in commands}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            order = commands[r % len(commands):] + commands[:r % len(commands)]
            export = os.path.join(tmp, f"round-{r}.json")
            subprocess.run(["hyperfine", *options, "--export-json", export, *order], check=True,
                           stdout=subprocess.DEVNULL)
            with open(export) as f:
                for result in json.load(f)["results"]:
                    times[result["command"]].extend(result["times"])
    results = [{"command": c, "times": times[c], "mean": statistics.fmean(times[c]),
                "median": statistics.median(times[c])} for c in commands]
    with open(out, "w") as f:
        json.dump({"rounds": rounds, "results": results}, f)
    for r in results:
        print(f"  {r['command']}: median {r['median'] * 1000:.3f} ms of {len(r['times'])} runs")


if __name__ == "__main__":
    main(sys.argv[1:])
