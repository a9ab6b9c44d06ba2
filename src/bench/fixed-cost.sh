#!/usr/bin/env bash
# A job's fixed cost (issue 14): `shockscope analyze` on a small generated sweep, whole command
# timed (JVM start and exit included), as a user runs it — this checkout through jobs/shockscope
# (class-data sharing archive included) — and, alternating in the same invocation, other builds
# run from a snapshot of their classes with plain `java` (the command jobs/shockscope execs
# before it had an archive). Prints per build the median wall and CPU seconds (user + sys of
# the JVM) and the median of every stage of the job's "stage times" line. Figures in
# src/bench/README.md.
#
#   src/bench/fixed-cost.sh                                   # 20 runs x 5 checkpoints, 3 reps
#   src/bench/fixed-cost.sh --runs 2000 --checkpoints 10 --also /path/to/main/checkout
#   src/bench/fixed-cost.sh --launcher --also /path/to/other/checkout   # both with their archive
#
# Options: --runs R (20) --checkpoints C (5) --layers L (2) --width W (32), -n REPEATS (3),
# --master M (local[2]), -w WORKDIR (/tmp/shockscope-fixed), --also ROOT (a checkout with a
# compiled target/classes and target/classpath.txt; repeatable), --launcher (run each --also
# build through its own jobs/shockscope, class-data archive included, as this checkout is;
# its checkout must not change while the script runs).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=20; ckpts=5; layers=2; width=32; repeats=3; master="local[2]"
work=/tmp/shockscope-fixed; also=(); launcher=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --checkpoints) ckpts=$2; shift 2 ;;
    --layers) layers=$2; shift 2 ;;
    --width) width=$2; shift 2 ;;
    -n) repeats=$2; shift 2 ;;
    --master) master=$2; shift 2 ;;
    -w) work=$2; shift 2 ;;
    --also) also+=("$(cd "$2" && pwd)"); shift 2 ;;
    --launcher) launcher=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
sweep="$work/sweep-${runs}x${ckpts}x${layers}x${width}"
if [ ! -f "$sweep/runs.csv" ]; then
  python3 "$root/src/bench/gen_sweep.py" "$sweep" --runs "$runs" --checkpoints "$ckpts" \
      --layers "$layers" --width "$width" --dtype f32 >&2
fi
echo "build and class-data archive (not timed)" >&2
rm -rf "$work/warm"
"$root/jobs/shockscope" analyze --sweep "$sweep" --out "$work/warm" --master "$master" \
    > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=1
opts=$(sed -n 's:.*<spark.module.options>\(.*\)</spark.module.options>.*:\1:p' "$root/pom.xml")
for j in "${!also[@]}"; do
  if [ "$launcher" = 1 ]; then
    echo "build $j's class-data archive (not timed)" >&2
    rm -rf "$work/warm-$j"
    "${also[$j]}/jobs/shockscope" analyze --sweep "$sweep" --out "$work/warm-$j" \
        --master "$master" > "$work/build-$j.log" 2>&1 || { tail -n 30 "$work/build-$j.log" >&2; exit 1; }
    continue
  fi
  rm -rf "$work/build-$j" && mkdir -p "$work/build-$j"
  cp -r "${also[$j]}/target/classes" "$work/build-$j/classes"
  cp "${also[$j]}/target/classpath.txt" "$work/build-$j/classpath.txt"
done
# --also builds get the JIT jobs/shockscope uses (C1 only; SHOCKSCOPE_JIT=tiered: the default)
jit=-XX:TieredStopAtLevel=1
[ "${SHOCKSCOPE_JIT:-c1}" = tiered ] && jit=
job() { # build index (or "this"), args...
  if [ "$1" = this ]; then
    shift
    SHOCKSCOPE_SKIP_BUILD=1 "$root/jobs/shockscope" "$@"
  elif [ "$launcher" = 1 ]; then
    shift
    SHOCKSCOPE_SKIP_BUILD=1 "$also_root/jobs/shockscope" "$@"
  else
    local b="$work/build-$1"; shift
    # shellcheck disable=SC2086
    java -Xmx8g $jit $opts -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
        -cp "$b/classes:$(cat "$b/classpath.txt")" org.shockscope.cli.ShockscopeCli "$@"
  fi
}
builds=(this "${!also[@]}")
logs=()
for i in $(seq 1 "$repeats"); do
  for b in "${builds[@]}"; do
    log="$work/job-$b-$i.log"
    rm -rf "$work/tables-$b"
    also_root=; [ "$b" = this ] || also_root=${also[$b]}
    /usr/bin/time -f "cpu %U %S %e" -o "$log.time" bash -c "$(declare -f job); root='$root' \
        work='$work' opts='$opts' jit='$jit' launcher='$launcher' also_root='$also_root' \
        job $b analyze --sweep '$sweep' --out '$work/tables-$b' \
        --master '$master'" > "$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }
    echo "build $b run $i: $(grep -o 'JVM start to session ready [0-9.]* s' "$log"), $(cat "$log.time") (user sys wall)" >&2
    logs+=("$b:$log")
  done
done
PYTHONPATH="$root/src/bench" python3 - "${logs[@]}" <<'PY'
import statistics, sys
from stage_times import parse
by = {}
for arg in sys.argv[1:]:
    b, path = arg.split(":", 1)
    st = parse(open(path).read())
    u, s, w = open(path + ".time").read().split()[-3:]
    st["CPU (user + sys)"] = float(u) + float(s)
    st["wall (whole command)"] = float(w)
    by.setdefault(b, []).append(st)
names = []
for runs in by.values():
    for st in runs:
        names += [k for k in st if k not in names]
print("%-36s" % "median seconds (n = %d)" % len(next(iter(by.values()))) +
      "".join("%14s" % ("build " + b) for b in by))
for n in names:
    cells = []
    for b in by:
        v = [st[n] for st in by[b] if n in st]
        cells.append("%14.1f" % statistics.median(v) if v else "%14s" % "-")
    print("%-36s" % n + "".join(cells))
PY
