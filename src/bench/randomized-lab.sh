#!/usr/bin/env bash
# Scores the current detector on a fresh randomized lab (issue 12): trains N runs with seeds
# S..S+N-1 (lab --randomize), analyses them (analyze, no report, sweep cells by model only, since
# every randomized run is a cell of its own), and prints evaluate's figures (the transitions table
# as a user reads it, per family and regime bin, negative controls, PELT baseline).
#
#   src/bench/randomized-lab.sh                       # 300 runs from seed 1000 into /tmp/randlab-1000
#   src/bench/randomized-lab.sh -n 300 -s 1000 -d DIR # the same, into DIR
#   src/bench/randomized-lab.sh -d DIR --evaluate-only # re-score DIR's tables (after a detector change:
#                                                     # drop --evaluate-only to re-analyse first)
#   src/bench/randomized-lab.sh -d DIR --analyze-only  # keep DIR's sweep, re-analyse and score it
#   src/bench/randomized-lab.sh -n 400 -s 0 -f catapult -d DIR  # one family only (lab --families)
#   src/bench/randomized-lab.sh -n 300 -s 0 -m 3000 -d DIR       # runs of 200-3000 steps (--max-steps)
#
# Seeds >= 1000 are evaluation seeds: never tune the detector's defaults on them.
# Runs from a copy of the compiled classes, so builds in the work tree cannot break a long job.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
n=300
seed=1000
dir=
families=
maxsteps=
stage=all
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n=$2; shift 2 ;;
    -s) seed=$2; shift 2 ;;
    -d) dir=$2; shift 2 ;;
    -f) families=$2; shift 2 ;;
    -m) maxsteps=$2; shift 2 ;;
    --evaluate-only) stage=evaluate; shift ;;
    --analyze-only) stage=analyze; shift ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
dir=${dir:-/tmp/randlab-$seed}
mkdir -p "$dir"
(cd "$root" && mvn -q -B compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=compile >&2)
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
cp -r "$root/target/classes/." "$classes/"
opts=$(sed -n 's:.*<spark.module.options>\(.*\)</spark.module.options>.*:\1:p' "$root/pom.xml")
shockscope=(java ${SHOCKSCOPE_JAVA_OPTS:--Xmx6g} $opts
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties"
  -cp "$classes:$(cat "$root/target/classpath.txt")" org.shockscope.cli.ShockscopeCli)
printf 'shockscope.report=false\nshockscope.group_by=model\n' > "$dir/analyze.properties"
if [ "$stage" = all ]; then
  /usr/bin/time -f 'lab: %e s wall, %U s user' \
    "${shockscope[@]}" lab --randomize "$n" --seed "$seed" ${families:+--families "$families"} \
      ${maxsteps:+--max-steps "$maxsteps"} \
      --out "$dir/sweep" --overwrite
fi
if [ "$stage" != evaluate ]; then
  /usr/bin/time -f 'analyze: %e s wall, %U s user' \
    "${shockscope[@]}" analyze --sweep "$dir/sweep/native" --out "$dir/tables" \
      --config "$dir/analyze.properties" > "$dir/analyze.log"
  tail -8 "$dir/analyze.log"
fi
"${shockscope[@]}" evaluate --sweep "$dir/sweep" --tables "$dir/tables" --json "$dir/scores.json" \
  | tee "$dir/evaluate.txt"
