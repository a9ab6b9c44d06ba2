#!/usr/bin/env bash
# Property checks of the detector on an analysed lab (DetectorProperties, src/bench/java): a
# series' events do not depend on its units (values scaled, steps shifted or scaled), a run's
# events not on the order of its series or on the runs a detector saw before; and how many
# losses gain events when logged rounded to four decimals (the Hugging Face Trainer's log).
#   src/bench/detector-replay.sh export DIR/tables /tmp/lab.cache    # once per analysed lab
#   src/bench/detector-properties.sh /tmp/lab.cache LAB [MAX_RUNS]
# CLASSES=/other/build/classes checks another build.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_compile \
    "$root/src/bench/java/org/shockscope/spark/DetectorReplay.java" \
    "$root/src/bench/java/org/shockscope/spark/DetectorProperties.java"
java -Xmx8g $spark_opts ${JAVA_OPTS:-} -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$(bench_cp)" org.shockscope.spark.DetectorProperties "$@"
