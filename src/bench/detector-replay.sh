#!/usr/bin/env bash
# Re-runs the job's detection stage on an analysed randomized lab and scores it as evaluate reads
# the transitions table, without reducing the checkpoints again (DetectorReplay, src/bench/java).
#   src/bench/detector-replay.sh export TABLES CACHE       # once per analysed sweep
#   src/bench/detector-replay.sh score CACHE LAB [DETAIL]  # after each detector change
# LAB is the lab's --out folder (native/ and truth.csv). Seeds >= 1000 are evaluation seeds:
# tune on a lab made with --seed below 1000 only. -Dreplay.modes=K keeps mode series sv1..svK;
# -Dreplay.thin=K keeps every K-th point of every series (a sweep logged K times more sparsely).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_compile \
    "$root/src/bench/java/org/shockscope/spark/DetectorReplay.java"
java -Xmx8g $spark_opts ${JAVA_OPTS:-} -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$(bench_cp)" org.shockscope.spark.DetectorReplay "$@"
