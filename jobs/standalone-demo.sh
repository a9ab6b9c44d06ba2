#!/usr/bin/env bash
# The demo on a real Spark standalone cluster on this machine, through jobs/submit.sh: what a
# cluster user runs, without a cluster or a Spark distribution. It
#
#   1. builds target/shockscope.jar (mvn -B -q package -DskipTests) when it is missing or
#      older than a source, and writes the Maven classpath (Spark included) to
#      target/classpath.txt;
#   2. starts a Spark master and two workers (one core, 2 GB each) as separate JVMs from the
#      Maven jars, bound to 127.0.0.1 on free ports; SPARK_HOME is DIR/spark-home, whose jars/
#      links the classpath's jars (a worker launches its executors from SPARK_HOME/jars);
#   3. trains the lab's demo sweep (conf/lab-demo.json, native layout only) into DIR/sweep;
#   4. runs `jobs/submit.sh --master spark://127.0.0.1:PORT --spark-from-maven ...`, the
#      driver in this machine's JVM (client mode) and the executors on the workers, writing
#      the tables and the report to DIR/out, and prints the job's summary;
#   5. stops the cluster on exit, also on failure or Ctrl-C (a trap), and prints the wall time
#      of each step.
#
#   jobs/standalone-demo.sh                      # DIR = ./standalone-demo-out
#   jobs/standalone-demo.sh --dir /tmp/sd --workers 2 --worker-cores 1
#
# The daemons' logs are DIR/cluster/*.log, the executors' DIR/cluster/work-*/app-*/*/stderr.
# Re-running replaces DIR/sweep and DIR/out. The lab and the analysis are deterministic, so
# every run prints the same summary. Needs Java 17+, Maven, curl and setsid (util-linux).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  cat <<EOF
Usage: jobs/standalone-demo.sh [--dir DIR] [--workers N] [--worker-cores N] [--lab-config FILE]

  --dir DIR           working folder [default ./standalone-demo-out]
  --workers N         standalone workers [default 2]
  --worker-cores N    cores of each worker, one executor per worker [default 1]
  --lab-config FILE   lab sweep to train and analyse [default conf/lab-demo.json]
  -h, --help          this help
EOF
}

die() {
  echo "jobs/standalone-demo.sh: $*" >&2
  exit 2
}

dir=standalone-demo-out
workers=2
worker_cores=1
lab_config=$root/conf/lab-demo.json
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || die "--dir needs a value"; dir=$2; shift 2 ;;
    --workers) [ $# -ge 2 ] || die "--workers needs a value"; workers=$2; shift 2 ;;
    --worker-cores) [ $# -ge 2 ] || die "--worker-cores needs a value"; worker_cores=$2; shift 2 ;;
    --lab-config) [ $# -ge 2 ] || die "--lab-config needs a value"; lab_config=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || die "--workers must be a positive integer, got '$workers'"
[[ "$worker_cores" =~ ^[1-9][0-9]*$ ]] \
  || die "--worker-cores must be a positive integer, got '$worker_cores'"
[ -f "$lab_config" ] || die "lab configuration $lab_config does not exist"
for tool in java mvn curl setsid; do
  command -v "$tool" >/dev/null 2>&1 || die "needs '$tool' on the PATH"
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cluster_dir=$dir/cluster
home=$dir/spark-home

t_start=$SECONDS
timings=()
lap() { # records the seconds since the previous lap under a name
  local now=$SECONDS
  timings+=("$(printf '%-14s %4d s' "$1" "$((now - ${t_lap:-$t_start}))")")
  t_lap=$now
}

# 1. The application jar and the classpath the cluster and the driver run from.
jar=$root/target/shockscope.jar
cp_file=$root/target/classpath.txt
# Rebuilt also when a source is newer, so that the demo never runs stale code.
if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "== building $jar"
  (cd "$root" && mvn -B -q package -DskipTests)
fi
if [ ! -s "$cp_file" ] || [ "$root/pom.xml" -nt "$cp_file" ]; then
  (cd "$root" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -Dmdep.includeScope=compile)
fi
lap build

# 2. The cluster. SPARK_HOME/jars is all a worker needs of a distribution; SPARK_SCALA_VERSION
# spares Spark's launcher from looking for a source build to learn it.
rm -rf "$home" "$cluster_dir"
mkdir -p "$home/jars" "$cluster_dir"
# (Maven writes the file without a final newline, which read reports as a failure)
IFS=: read -r -a cp_entries < "$cp_file" || [ ${#cp_entries[@]} -gt 0 ]
for e in "${cp_entries[@]}"; do
  case "$e" in
    *.jar) if [ -f "$e" ]; then ln -sf "$e" "$home/jars/"; fi ;;
  esac
done
module_opts=$(sed -n 's:.*<spark.module.options>\(.*\)</spark.module.options>.*:\1:p' "$root/pom.xml")
[ -n "$module_opts" ] || die "no <spark.module.options> in $root/pom.xml"
export SPARK_HOME=$home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 \
  SPARK_MASTER_HOST=127.0.0.1

# A port nobody listens on now (a connection to it is refused); the daemons bind it soon after.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

daemons=()
driver=
stop_cluster() {
  local pid
  if [ -n "$driver" ]; then
    kill -TERM "$driver" 2>/dev/null || true
    wait "$driver" 2>/dev/null || true
    driver=
  fi
  [ ${#daemons[@]} -gt 0 ] || return 0
  echo "== stopping the cluster (${#daemons[@]} daemons)"
  # Each daemon leads its own process group (setsid), which its executors join: one signal to
  # the group stops both. TERM first so the workers kill their executors, then KILL.
  for pid in "${daemons[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${daemons[@]}"; do
      kill -0 -- "-$pid" 2>/dev/null && alive=1
    done
    [ "$alive" = 1 ] || break
    sleep 0.2
  done
  for pid in "${daemons[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  daemons=()
  rm -f "$cluster_dir/pids"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_daemon() { # log-file main-class args...
  local log=$1
  shift
  # shellcheck disable=SC2086
  setsid java -Xmx512m $module_opts -cp "$home/jars/*" "$@" >"$log" 2>&1 </dev/null &
  daemons+=("$!")
  echo "$!" >>"$cluster_dir/pids"
}

port=$(free_port)
ui_port=$(free_port)
master=spark://127.0.0.1:$port
echo "== starting a standalone master ($master, UI http://127.0.0.1:$ui_port) and $workers workers"
start_daemon "$cluster_dir/master.log" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port "$ui_port"
for i in $(seq 0 $((workers - 1))); do
  mkdir -p "$cluster_dir/work-$i"
  start_daemon "$cluster_dir/worker-$i.log" org.apache.spark.deploy.worker.Worker "$master" \
    --host 127.0.0.1 --cores "$worker_cores" --memory 2g --webui-port "$(free_port)" \
    --work-dir "$cluster_dir/work-$i"
done
# The master's JSON status lists each registered worker with "state" : "ALIVE".
deadline=$((SECONDS + 120))
while true; do
  alive=$(curl -s --max-time 2 "http://127.0.0.1:$ui_port/json/" \
    | grep -o '"state" *: *"ALIVE"' | wc -l || true)
  [ "$alive" -ge "$workers" ] && break
  for pid in "${daemons[@]}"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$cluster_dir"/*.log >&2; die "a daemon exited"; }
  done
  [ "$SECONDS" -lt "$deadline" ] || { tail -n 30 "$cluster_dir"/*.log >&2; die "workers did not register within 120 s"; }
  sleep 0.5
done
lap cluster-start

# 3. The sweep, trained by the jar just built (the lab needs no Spark).
echo "== training the lab sweep ($lab_config) into $dir/sweep"
# shellcheck disable=SC2086
java -Xmx2g $module_opts -cp "$jar:$(cat "$cp_file")" org.shockscope.cli.ShockscopeCli \
  lab --config "$lab_config" --layouts native --out "$dir/sweep" --overwrite
lap lab

# 4. The job. --spark-from-maven runs the driver on the Spark of pom.xml, the version of the
# cluster's daemons, whatever spark-submit this machine may have installed; executors get 1 core
# and 1 GB so that one fits in each worker.
rm -rf "$dir/out"
echo "== jobs/submit.sh --master $master"
"$root/jobs/submit.sh" --master "$master" --spark-from-maven \
  --driver-memory 2g --executor-memory 1g --executor-cores "$worker_cores" \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  --conf spark.ui.enabled=false \
  --conf spark.sql.shuffle.partitions=$((2 * workers * worker_cores)) \
  --sweep "$dir/sweep/native" --out "$dir/out" &
# In the background so that a signal runs the traps at once (bash defers them until a
# foreground command ends); submit.sh execs the driver JVM, so this is its pid.
driver=$!
wait "$driver"
driver=
lap analyze

stop_cluster
lap cluster-stop
echo "== done: tables and report/index.html in $dir/out"
printf '   %s\n' "${timings[@]}"
printf '   %-14s %4d s\n' total "$((SECONDS - t_start))"
