#!/usr/bin/env bash
# Re-runs the precursor forecaster on an analysed lab from a detector cache and scores it as
# evaluate's forecast section does, per family (ForecastReplay, src/bench/java), in seconds.
#   src/bench/detector-replay.sh export TABLES CACHE       # once per analysed sweep
#   src/bench/forecast-replay.sh score CACHE LAB [DETAIL]  # after each forecaster change
# LAB is the lab's --out folder (native/ and truth.csv). Seeds >= 1000 are evaluation seeds:
# tune on labs made with seeds below 1000 only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
classes=${CLASSES:-$root/target/classes}
cp_file=$(dirname "$classes")/classpath.txt
[ -f "$cp_file" ] || (cd "$root" && mvn -q -B -o dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=compile >&2)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -nowarn -d "$out" -cp "$classes:$(cat "$cp_file")" \
    "$root/src/bench/java/org/shockscope/spark/DetectorReplay.java" \
    "$root/src/bench/java/org/shockscope/spark/ForecastReplay.java"
opts=$(sed -n 's:.*<spark.module.options>\(.*\)</spark.module.options>.*:\1:p' "$root/pom.xml")
java -Xmx6g $opts ${JAVA_OPTS:-} -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$out:$classes:$(cat "$cp_file")" org.shockscope.spark.ForecastReplay "$@"
