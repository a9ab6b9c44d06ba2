#!/usr/bin/env bash
# Re-runs the precursor forecaster on an analysed lab from a detector cache and scores it as
# evaluate's forecast section does, per family (ForecastReplay, src/bench/java), in seconds.
#   src/bench/detector-replay.sh export TABLES CACHE       # once per analysed sweep
#   src/bench/forecast-replay.sh score CACHE LAB [DETAIL]  # after each forecaster change
# LAB is the lab's --out folder (native/ and truth.csv). Seeds >= 1000 are evaluation seeds:
# tune on labs made with seeds below 1000 only.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_compile \
    "$root/src/bench/java/org/shockscope/spark/DetectorReplay.java" \
    "$root/src/bench/java/org/shockscope/spark/ForecastReplay.java"
java -Xmx6g $spark_opts ${JAVA_OPTS:-} -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$(bench_cp)" org.shockscope.spark.ForecastReplay "$@"
