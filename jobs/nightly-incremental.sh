#!/usr/bin/env bash
# Nightly incremental analysis: `shockscope analyze --incremental` over the same output (a
# folder, or a catalog namespace such as main.shockscope) every night, so that only runs and checkpoints added since the last run are read and the
# sweep-level tables are recomputed over everything. Meant for cron; the crontab line
#
#   30 2 * * * SHOCKSCOPE_MASTER=spark://spark-master:7077 SHOCKSCOPE_SWEEP=hdfs:///sweeps/main SHOCKSCOPE_OUT=hdfs:///shockscope/main /opt/shockscope/jobs/nightly-incremental.sh >> /var/log/shockscope/nightly.log 2>&1
#
# runs it at 02:30 every night (the server's time zone). Settings come from the environment:
#   SHOCKSCOPE_SWEEP, SHOCKSCOPE_OUT   sweep folder and output folder or catalog namespace
#                                      (required)
#   SHOCKSCOPE_FORMAT                  parquet or delta for an output folder (default: the
#                                      job's, parquet; a catalog namespace is always Delta)
#   SHOCKSCOPE_MASTER and the other SHOCKSCOPE_* variables of jobs/submit.sh
# Extra arguments go to jobs/submit.sh (e.g. --dry-run, --conf k=v, --report FILE for a
# catalog namespace). A run that finds the
# previous one still going (a lock file, SHOCKSCOPE_LOCK) skips the night instead of piling up.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sweep=${SHOCKSCOPE_SWEEP:?set SHOCKSCOPE_SWEEP to the sweep folder}
out=${SHOCKSCOPE_OUT:?set SHOCKSCOPE_OUT to the output folder or catalog namespace}
format=${SHOCKSCOPE_FORMAT:-}
lock=${SHOCKSCOPE_LOCK:-${TMPDIR:-/tmp}/shockscope-nightly.lock}

if command -v flock >/dev/null 2>&1; then
  exec 9>"$lock"
  if ! flock -n 9; then
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) shockscope nightly: previous run still holds $lock; skipped"
    exit 0
  fi
fi
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) shockscope nightly: $sweep -> $out (${format:-default format}, incremental)"
"$root/jobs/submit.sh" --sweep "$sweep" --out "$out" ${format:+--format "$format"} --incremental "$@"
