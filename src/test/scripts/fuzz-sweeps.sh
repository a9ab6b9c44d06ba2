#!/usr/bin/env bash
# Longer sweep-level fuzzing than CI runs (issue 15, point 3).
#
#   src/test/scripts/fuzz-sweeps.sh [--mutations N] [--jobs J] [--seed S] [--discovery-only]
#
# N mutations per layout through discovery and the tensor readers (SweepDiscoveryFuzzTest,
# default 500), and J mutated analyze jobs per layout, three mutations each
# (SweepAnalysisFuzzTest, default 10). The seed defaults to the current time; it is printed
# first and in every failure message, and `--seed S` replays a session exactly.
set -euo pipefail
cd "$(dirname "$0")/../../.."

mutations=500
jobs=10
seed=$(date +%s)
tests=SweepDiscoveryFuzzTest,SweepAnalysisFuzzTest
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mutations) mutations="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --discovery-only) tests=SweepDiscoveryFuzzTest; jobs=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

echo "fuzz-sweeps: seed $seed, $mutations mutations per layout, $jobs jobs per layout"
echo "replay with: $0 --seed $seed --mutations $mutations --jobs $jobs"
mkdir -p target
log=target/fuzz-sweeps-$seed.log
set +e
mvn -B -o test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfuzz.seed="$seed" -Dfuzz.mutations="$mutations" -Dfuzz.jobs="$jobs" >"$log" 2>&1
status=$?
set -e
grep -E '^fuzz\.seed=|Tests run:|BUILD' "$log" || true
echo "full log: $log"
echo "fuzz-sweeps: seed $seed: $([[ $status -eq 0 ]] && echo passed || echo FAILED, see target/surefire-reports)"
exit "$status"
