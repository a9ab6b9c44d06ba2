#!/usr/bin/env bash
# Compiles and runs ReductionKernelTimings (a plain main-class microbenchmark of the reduction's
# kernels, src/bench/java/org/shockscope/symmetry/) against target/classes.
#   src/bench/kernel-timings.sh [width] [matrices] [checkpoints] [repeats]    # 256 3 20 5
# Set CLASSES=/other/target/classes to time another build (the same source compiles against
# any build that has the GroupKernel interface). OPENBLAS_NUM_THREADS=1 as in the numpy loop.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_compile \
    "$root/src/bench/java/org/shockscope/symmetry/ReductionKernelTimings.java"
OPENBLAS_NUM_THREADS=1 java -Xmx4g ${JAVA_OPTS:-} -cp "$(bench_cp)" \
    org.shockscope.symmetry.ReductionKernelTimings "$@"
