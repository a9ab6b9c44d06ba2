#!/usr/bin/env bash
# Fronts the detector finds in short, noisy logs (ShortLogRecall, src/bench/java): 40-sample
# losses with one drop at a random place and white noise, 40 seeds per setting; found,
# misplaced, and jumps in the same noise without the drop.
#   src/bench/short-log-recall.sh                       # this checkout's build
#   CLASSES=/other/target/classes src/bench/short-log-recall.sh   # another build
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_compile "$root/src/bench/java/org/shockscope/shock/ShortLogRecall.java"
java $spark_opts ${JAVA_OPTS:-} -cp "$(bench_cp)" org.shockscope.shock.ShortLogRecall "$@"
