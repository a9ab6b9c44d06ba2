#!/usr/bin/env bash
# Compiles and runs ReductionKernelTimings (a plain main-class microbenchmark of the reduction's
# kernels, src/bench/java/org/shockscope/symmetry/) against target/classes.
#   src/bench/kernel-timings.sh [width] [matrices] [checkpoints] [repeats]    # 256 3 20 5
# Set CLASSES=/other/target/classes to time another build (the same source compiles against
# any build that has the GroupKernel interface). OPENBLAS_NUM_THREADS=1 as in the numpy loop.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
classes=${CLASSES:-$root/target/classes}
cp_file=$(dirname "$classes")/classpath.txt
[ -f "$cp_file" ] || (cd "$root" && mvn -q -B -o dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=compile >&2)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -d "$out" -cp "$classes:$(cat "$cp_file")" \
    "$root/src/bench/java/org/shockscope/symmetry/ReductionKernelTimings.java"
OPENBLAS_NUM_THREADS=1 java -Xmx4g ${JAVA_OPTS:-} -cp "$out:$classes:$(cat "$cp_file")" \
    org.shockscope.symmetry.ReductionKernelTimings "$@"
