#!/usr/bin/env bash
# Checks the detector on sweeps written outside the project's lab (issue 12's outside checks):
# foreign_sweeps.py's deep linear chains that do not say they are linear and large-learning-rate
# catapults (native layout), online ReLU students (MLflow file store), a drifting GPT-2 block and
# ordinary fine-tuning runs (Hugging Face layout), and, when Debian's python3-torch is
# installed, torch_induction.py's real induction heads. Analyses each with the job as a user runs
# it and prints evaluate's headline rows (the transitions table as a user reads it, PELT beside,
# negative controls).
#
#   src/bench/foreign-check.sh                 # into /tmp/foreign-check, 12 runs per sweep
#   src/bench/foreign-check.sh -d DIR -n 24 -s 1  # more runs, another seed
#   src/bench/foreign-check.sh -d DIR --evaluate-only
#
# These sweeps are a check, not tuning data: a rule chosen on them must hold on the tuning labs
# (seeds < 1000) and leave the evaluation seeds' score as it was.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=/tmp/foreign-check
runs=12
seed=0
stage=all
while [ $# -gt 0 ]; do
  case "$1" in
    -d) dir=$2; shift 2 ;;
    -n) runs=$2; shift 2 ;;
    -s) seed=$2; shift 2 ;;
    --evaluate-only) stage=evaluate; shift ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
sweeps=(deeplinear online gpt2drift finetune catapult)
if [ "$stage" = all ]; then
  python3 "$root/src/bench/foreign_sweeps.py" "$dir/sweeps" --runs "$runs" --seed "$seed"
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    /usr/bin/python3 "$root/src/bench/torch_induction.py" "$dir/sweeps/induction" --runs 5 \
        --steps 3000 --lr 2e-3 --checkpoint-every 30 --seed $((1000 + 100 * seed)) \
        > "$dir/induction.log"
  fi
fi
[ -d "$dir/sweeps/induction" ] && sweeps+=(induction)
for s in "${sweeps[@]}"; do
  if [ "$stage" = all ]; then
    "$root/jobs/shockscope" analyze --sweep "$dir/sweeps/$s" --out "$dir/tables-$s" \
        > "$dir/analyze-$s.log" 2>&1
  fi
  "$root/jobs/shockscope" evaluate --sweep "$dir/sweeps/$s" --tables "$dir/tables-$s" \
      --truth "$dir/sweeps/$s/truth.csv" > "$dir/evaluate-$s.txt" 2>&1
  echo "== $s"
  grep -E '^(shockscope|pelt) +all +all but controls|^gap to PELT|^(shockscope|pelt) +[a-z0-9-]+ +[0-9]+ +[0-9]+ +[0-9.]+$' \
      "$dir/evaluate-$s.txt" | sort -u || true
done
