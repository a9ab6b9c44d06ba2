#!/usr/bin/env bash
# Side by side: `shockscope analyze` against the numpy loop a user would write (numpy_loop.py:
# spectral set per weight matrix, one process per core, one BLAS thread each) on a generated
# sweep of the given shape, in one invocation, alternating, and the ratio per stage
# (numpy loop seconds / stage seconds: >= 1 means the stage gets through the checkpoints at
# least as fast as the loop). Figures in src/bench/README.md.
#
#   src/bench/side-by-side.sh                                  # 20 x 20 x 3 x 256^2 f32, 3 reps
#   src/bench/side-by-side.sh --runs 200 --checkpoints 10 --layers 2 --width 32 -n 3
#   src/bench/side-by-side.sh --also /path/to/other/checkout   # also time another build's job
#
# Options: --runs R (20) --checkpoints C (20) --layers L (3) --width W (256) --dtype (f32),
# -n REPEATS (3), --procs P (nproc; Spark gets local[P]), -w WORKDIR (/tmp/shockscope-side),
# --also ROOT (another checkout with a compiled target/classes and target/classpath.txt, timed
# the same way: before/after figures; repeatable), --precision f64|stored (numpy loop, f64).
# Both sides get OPENBLAS_NUM_THREADS=1; the numpy loop runs with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset (they slow a current numpy; see the environment notes).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=20; ckpts=20; layers=3; width=256; dtype=f32; repeats=3; procs=$(nproc)
work=/tmp/shockscope-side; precision=f64; also=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --checkpoints) ckpts=$2; shift 2 ;;
    --layers) layers=$2; shift 2 ;;
    --width) width=$2; shift 2 ;;
    --dtype) dtype=$2; shift 2 ;;
    -n) repeats=$2; shift 2 ;;
    --procs) procs=$2; shift 2 ;;
    -w) work=$2; shift 2 ;;
    --also) also+=("$(cd "$2" && pwd)"); shift 2 ;;
    --precision) precision=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
sweep="$work/sweep-${runs}x${ckpts}x${layers}x${width}-${dtype}"
if [ ! -f "$sweep/runs.csv" ]; then
  python3 "$root/src/bench/gen_sweep.py" "$sweep" --runs "$runs" --checkpoints "$ckpts" \
      --layers "$layers" --width "$width" --dtype "$dtype" >&2
fi
echo "build (not timed)" >&2
"$root/jobs/shockscope" --help > /dev/null 2> "$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=1
opts=$(sed -n 's:.*<spark.module.options>\(.*\)</spark.module.options>.*:\1:p' "$root/pom.xml")

now() { date +%s.%N; }
roots=("$root" "${also[@]}")
# each build runs from a snapshot of its classes, so that a compile in a checkout during the
# benchmark cannot change or break a job under way (the command jobs/shockscope execs)
for j in "${!roots[@]}"; do
  rm -rf "$work/build-$j" && mkdir -p "$work/build-$j"
  cp -r "${roots[$j]}/target/classes" "$work/build-$j/classes"
  cp "${roots[$j]}/target/classpath.txt" "$work/build-$j/classpath.txt"
done
# the JIT jobs/shockscope uses (C1 only; SHOCKSCOPE_JIT=tiered for the JVM's default)
jit=-XX:TieredStopAtLevel=1
[ "${SHOCKSCOPE_JIT:-c1}" = tiered ] && jit=
job() { # build index, args...
  local b="$work/build-$1"; shift
  # shellcheck disable=SC2086
  java -Xmx8g $jit $opts -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
      -cp "$b/classes:$(cat "$b/classpath.txt")" org.shockscope.cli.ShockscopeCli "$@"
}
logs=()
for i in $(seq 1 "$repeats"); do
  for j in "${!roots[@]}"; do
    log="$work/job-$j-$i.log"
    rm -rf "$work/tables-$j"
    t0=$(now)
    job "$j" analyze --sweep "$sweep" --out "$work/tables-$j" \
        --master "local[$procs]" > "$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }
    t1=$(now)
    printf 'wall %.2f\n' "$(echo "$t1 - $t0" | bc)" >> "$log"
    echo "job ${roots[$j]} run $i: $(grep -o 'reducing checkpoints [0-9.]* s' "$log"), wall $(tail -n 1 "$log" | cut -d' ' -f2) s" >&2
    logs+=("$j:$log")
  done
  log="$work/numpy-$i.json"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$root/src/bench/numpy_loop.py" "$sweep" \
      --procs "$procs" --precision "$precision" > "$log"
  echo "numpy run $i: $(cat "$log")" >&2
  logs+=("numpy:$log")
done

PYTHONPATH="$root/src/bench" python3 - "$sweep" "$procs" "${roots[*]}" "${logs[@]}" <<'PY'
import json, re, statistics, sys
from stage_times import parse
sweep, procs, roots = sys.argv[1], sys.argv[2], sys.argv[3].split()
jobs, numpy = {}, []
for item in sys.argv[4:]:
    key, path = item.split(":", 1)
    text = open(path).read()
    if key == "numpy":
        numpy.append(json.loads(text))
        continue
    stages = {k: v for k, v in parse(text).items()
              if k not in ("stage total", "JVM start to session ready", "spark jobs")}
    stages["wall (JVM start to exit)"] = float(re.findall(r"^wall ([\d.]+)$", text, re.M)[-1])
    backend = re.search(r"linear algebra: (.*)", text)
    stages["_backend"] = backend.group(1) if backend else "?"
    jobs.setdefault(int(key), []).append(stages)
loop = statistics.median(r["seconds"] for r in numpy)
ckpts = numpy[0]["checkpoints"]
print(f"sweep {sweep}: {ckpts} checkpoints, {numpy[0]['matrices']} matrices; "
      f"{len(numpy)} repeats, medians; numpy loop {procs} processes ({numpy[0]['precision']}): "
      f"{loop:.2f} s [{' '.join('%.2f' % r['seconds'] for r in numpy)}], {ckpts / loop:.1f} ckpt/s")
for j, runs in sorted(jobs.items()):
    print(f"\njob {roots[j]} (local[{procs}], linear algebra: {runs[0]['_backend']})")
    print(f"{'stage':34s} {'median s':>9s} {'ckpt/s':>8s} {'numpy/stage':>11s}   runs")
    for name in runs[0]:
        if name.startswith("_"):
            continue
        vals = [r[name] for r in runs if name in r]
        m = statistics.median(vals)
        print(f"{name:34s} {m:9.2f} {ckpts / m if m > 0 else float('inf'):8.1f} "
              f"{loop / m if m > 0 else float('inf'):11.2f}   {' '.join('%.1f' % v for v in vals)}")
PY
