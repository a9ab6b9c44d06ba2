#!/usr/bin/env bash
# Times the job's detection stage alone on an analysed sweep's tables (DetectionStageTiming,
# src/bench/java): RunDetection.detect over its observables and mode series, local[2], C1 as
# jobs/shockscope runs it, REPEATS times in one JVM (wall and CPU seconds per repeat).
#   src/bench/detection-timing.sh TABLES [REPEATS]     # e.g. the output of fixed-cost.sh
# CLASSES=/other/target/classes times another build (one whose RunDetection.detect takes the
# learned-examples flag, from session 13 on).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_compile "$root/src/bench/java/org/shockscope/spark/DetectionStageTiming.java"
java -Xmx6g -XX:TieredStopAtLevel=1 $spark_opts ${JAVA_OPTS:-} \
    -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
    -cp "$(bench_cp)" org.shockscope.spark.DetectionStageTiming "$@"
