#!/usr/bin/env bash
# Times `shockscope analyze` on a lab sweep, stage by stage, and prints the median of each stage
# over the repeats (figures in src/bench/README.md). The stage times are the job's own
# end-of-job line ("[shockscope] stage times: spark start-up ..., discovery ..., ..."); the wall
# time is the whole command, JVM start and exit included.
#
#   src/bench/time-sweep.sh                       # 200 runs x 50 checkpoints, 2 repeats
#   src/bench/time-sweep.sh -n 3 -s /path/sweep   # an existing sweep folder, 3 repeats
#   src/bench/time-sweep.sh --demo -n 2           # the README demo (training + analysis)
#
# Options: -n REPEATS (2), -w WORKDIR (/tmp/shockscope-bench), -c LAB_CONFIG
# (src/bench/lab-200x50.json), -s SWEEP (skip the lab, analyse this folder), --demo.
# The sweep is generated once (its time reported apart); the build runs once before timing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
repeats=2
work=/tmp/shockscope-bench
config="$root/src/bench/lab-200x50.json"
sweep=""
demo=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n) repeats=$2; shift 2 ;;
    -w) work=$2; shift 2 ;;
    -c) config=$2; shift 2 ;;
    -s) sweep=$2; shift 2 ;;
    --demo) demo=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
cli="$root/jobs/shockscope"
echo "build (not timed)" >&2
"$cli" --help > /dev/null 2> "$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
export SHOCKSCOPE_SKIP_BUILD=1

now() { date +%s.%N; }

if [ "$demo" = 0 ] && [ -z "$sweep" ]; then
  t0=$(now)
  "$cli" lab --config "$config" --out "$work/lab" --overwrite > "$work/lab.log" 2>&1
  t1=$(now)
  sweep="$work/lab/native"
  printf 'lab: %s, %s, in %.1f s\n' "$(grep "^lab '" "$work/lab.log")" "$(tail -n 1 "$work/lab.log" | sed 's/^ *//')" "$(echo "$t1 - $t0" | bc)"
fi

logs=()
for i in $(seq 1 "$repeats"); do
  log="$work/run-$i.log"
  t0=$(now)
  if [ "$demo" = 1 ]; then
    rm -rf "$work/demo-$i"
    "$cli" demo --dir "$work/demo-$i" > "$log" 2>&1
  else
    rm -rf "$work/tables-$i"
    "$cli" analyze --sweep "$sweep" --out "$work/tables-$i" > "$log" 2>&1
  fi
  t1=$(now)
  printf 'wall %.2f\n' "$(echo "$t1 - $t0" | bc)" >> "$log"
  echo "run $i: $(grep 'stage times' "$log" | sed 's/.*stage times: //'); wall $(tail -n 1 "$log" | cut -d' ' -f2) s"
  logs+=("$log")
done

# medians per stage over the repeats; "other" = wall − stage total (JVM start, exit, and in
# the demo the training)
PYTHONPATH="$root/src/bench" python3 - "${logs[@]}" <<'PY'
import re, statistics, sys
from stage_times import parse
runs = []
for path in sys.argv[1:]:
    text = open(path).read()
    stages = parse(text)
    stages.pop("spark jobs", None)
    wall = float(re.findall(r"^wall ([\d.]+)$", text, re.M)[-1])
    stages["wall"] = wall
    stages["other (JVM, exit, demo training)"] = wall - stages["stage total"]
    runs.append(stages)
names = list(runs[0])
print("\n%-36s %s %9s" % ("stage", " ".join("%8s" % ("run %d" % (i + 1)) for i in range(len(runs))), "median"))
for n in names:
    vals = [r.get(n, float("nan")) for r in runs]
    print("%-36s %s %9.1f" % (n, " ".join("%8.1f" % v for v in vals), statistics.median(vals)))
agg = [sum(v for k, v in r.items() if k.startswith("aggregating")) for r in runs]
print("%-36s %s %9.1f" % ("aggregating (all tables)", " ".join("%8.1f" % v for v in agg), statistics.median(agg)))
share = [r["spark start-up"] / r["wall"] for r in runs]
print("spark start-up share of wall time: median %.1f%%" % (100 * statistics.median(share)))
PY
