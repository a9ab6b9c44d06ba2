#!/usr/bin/env bash
# Submits `shockscope analyze` to a Spark cluster (standalone, YARN or Kubernetes) with the
# shaded jar target/shockscope.jar, building it first when it is missing.
#
#   jobs/submit.sh --master spark://127.0.0.1:7077 --sweep /data/sweep --out /data/shockscope
#   jobs/submit.sh --master yarn --num-executors 8 --sweep hdfs:///sweeps/s1 --out hdfs:///out/s1 --incremental
#   jobs/submit.sh --master k8s://https://k8s.example:6443 --k8s-image registry/shockscope:0.1 \
#       --jar local:///opt/shockscope/shockscope.jar --sweep s3a://b/sweep --out s3a://b/out
#   jobs/submit.sh --master yarn --sweep s3a://b/sweep --out spark_catalog.shockscope \
#       --report s3a://b/shockscope-report/index.html --conf spark.jars.packages=io.delta:delta-spark_2.13:4.0.1 \
#       --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
#       --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog
#   jobs/submit.sh --dry-run ...      # print the command instead of running it
#
# Run `jobs/submit.sh --help` for every option. spark-submit is $SPARK_SUBMIT, else
# $SPARK_HOME/bin/spark-submit, else spark-submit on the PATH; without any, or with
# --spark-from-maven, Spark's SparkSubmit runs from the Maven classpath (a development machine
# with no Spark distribution, or a cluster started from the Maven jars as jobs/standalone-demo.sh
# does).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  cat <<EOF
Usage: jobs/submit.sh [launch options] --sweep URI --out URI [analyze options]

Launch options (defaults from the environment variable in brackets):
  --master URL          spark://host:7077, yarn, k8s://https://host:port, local[N]
                        [SHOCKSCOPE_MASTER, then MASTER; default local[*]]
  --deploy-mode MODE    client or cluster [SHOCKSCOPE_DEPLOY_MODE; default cluster on
                        YARN and Kubernetes, client otherwise]
  --driver-memory M     [SHOCKSCOPE_DRIVER_MEMORY; default 4g]
  --executor-memory M   [SHOCKSCOPE_EXECUTOR_MEMORY; default 6g]
  --executor-cores N    [SHOCKSCOPE_EXECUTOR_CORES; default 2]
  --num-executors N     executors (YARN, Kubernetes) or N x cores total cores (standalone)
                        [SHOCKSCOPE_NUM_EXECUTORS; default: the cluster's]
  --queue NAME          YARN queue [SHOCKSCOPE_QUEUE]
  --k8s-image IMAGE     container image, required on Kubernetes [SHOCKSCOPE_K8S_IMAGE]
  --jar PATH|URI        application jar [SHOCKSCOPE_JAR; default target/shockscope.jar,
                        built with 'mvn -B package -DskipTests' when missing]
  --conf KEY=VALUE      Spark setting, repeatable (spark.shockscope.<option> sets a job option)
  --spark-from-maven    run Spark's SparkSubmit from the project's Maven dependencies (the
                        Spark of pom.xml) even when a spark-submit is installed
  --dry-run             print the command and exit
  -h, --help            this help

Everything else goes to 'shockscope analyze': --sweep URI --out URI|CATALOG.SCHEMA
[--format parquet|delta] [--report FILE] [--incremental] [--strict] [--mlflow-tags] [--config FILE] [--group-by K1,K2]
[--model PRESET|JSON].
Executors get the JVM options Spark 4 needs on Java 17, OPENBLAS_NUM_THREADS=1 (one BLAS thread
per task: Spark already runs one task per core) and conf/log4j2.properties.
EOF
}

die() {
  echo "jobs/submit.sh: $*" >&2
  echo "Run jobs/submit.sh --help for usage." >&2
  exit 2
}

master=${SHOCKSCOPE_MASTER:-${MASTER:-local[*]}}
deploy_mode=${SHOCKSCOPE_DEPLOY_MODE:-}
driver_memory=${SHOCKSCOPE_DRIVER_MEMORY:-4g}
executor_memory=${SHOCKSCOPE_EXECUTOR_MEMORY:-6g}
executor_cores=${SHOCKSCOPE_EXECUTOR_CORES:-2}
num_executors=${SHOCKSCOPE_NUM_EXECUTORS:-}
queue=${SHOCKSCOPE_QUEUE:-}
k8s_image=${SHOCKSCOPE_K8S_IMAGE:-}
jar=${SHOCKSCOPE_JAR:-$root/target/shockscope.jar}
dry_run=0
from_maven=0
confs=()
app_args=()

need_value() {
  [ "$2" -ge 2 ] || die "option $1 needs a value"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --master) need_value "$1" $#; master=$2; shift 2 ;;
    --deploy-mode) need_value "$1" $#; deploy_mode=$2; shift 2 ;;
    --driver-memory) need_value "$1" $#; driver_memory=$2; shift 2 ;;
    --executor-memory) need_value "$1" $#; executor_memory=$2; shift 2 ;;
    --executor-cores) need_value "$1" $#; executor_cores=$2; shift 2 ;;
    --num-executors) need_value "$1" $#; num_executors=$2; shift 2 ;;
    --queue) need_value "$1" $#; queue=$2; shift 2 ;;
    --k8s-image) need_value "$1" $#; k8s_image=$2; shift 2 ;;
    --jar) need_value "$1" $#; jar=$2; shift 2 ;;
    --conf) need_value "$1" $#; confs+=("$2"); shift 2 ;;
    --conf=*) confs+=("${1#--conf=}"); shift ;;
    --dry-run) dry_run=1; shift ;;
    --spark-from-maven) from_maven=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) app_args+=("$1"); shift ;;
  esac
done

has_arg() {
  local a
  for a in "${app_args[@]+"${app_args[@]}"}"; do
    [ "$a" = "$1" ] || [ "${a%%=*}" = "$1" ] && return 0
  done
  return 1
}
has_arg --sweep || die "missing --sweep URI (the sweep folder)"
has_arg --out || die "missing --out URI (the output folder or catalog namespace)"
for c in "${confs[@]+"${confs[@]}"}"; do
  [[ "$c" == *=* ]] || die "--conf needs KEY=VALUE, got '$c'"
done
[[ "$executor_cores" =~ ^[1-9][0-9]*$ ]] || die "--executor-cores must be a positive integer, got '$executor_cores'"
[ -z "$num_executors" ] || [[ "$num_executors" =~ ^[1-9][0-9]*$ ]] \
  || die "--num-executors must be a positive integer, got '$num_executors'"

case "$master" in
  yarn) cluster_manager=yarn ;;
  k8s://*) cluster_manager=k8s ;;
  spark://*) cluster_manager=standalone ;;
  local|local\[*\]) cluster_manager=local ;;
  *) die "unsupported --master '$master' (spark://host:port, yarn, k8s://https://host:port or local[N])" ;;
esac
if [ -z "$deploy_mode" ]; then
  case "$cluster_manager" in
    yarn|k8s) deploy_mode=cluster ;;
    *) deploy_mode=client ;;
  esac
fi
case "$deploy_mode" in
  client|cluster) ;;
  *) die "--deploy-mode must be client or cluster, got '$deploy_mode'" ;;
esac
[ "$cluster_manager" != local ] || [ "$deploy_mode" = client ] || die "local master runs in client mode only"
[ "$cluster_manager" != k8s ] || [ -n "$k8s_image" ] || die "Kubernetes needs --k8s-image (or SHOCKSCOPE_K8S_IMAGE)"

# A jar given as a URI (hdfs://, s3a://, local:// inside an image) is the cluster's business.
if [[ "$jar" != *://* ]] && [ ! -f "$jar" ]; then
  if [ "$jar" != "$root/target/shockscope.jar" ]; then
    die "application jar $jar does not exist"
  elif [ "$dry_run" = 1 ]; then
    echo "# would build $jar: (cd $root && mvn -q -B package -DskipTests)" >&2
  else
    echo "jobs/submit.sh: building $jar" >&2
    (cd "$root" && mvn -q -B package -DskipTests >&2)
  fi
fi

module_opts=$(sed -n 's:.*<spark.module.options>\(.*\)</spark.module.options>.*:\1:p' "$root/pom.xml")
[ -n "$module_opts" ] || die "no <spark.module.options> in $root/pom.xml"
log4j="$root/conf/log4j2.properties"
# Executors (and a cluster-mode driver) find the logging config in their working folder, where
# --files puts it (YARN localises it before the JVM starts; elsewhere Spark's default applies
# until the file arrives).
remote_opts="$module_opts -Dlog4j2.configurationFile=log4j2.properties"
if [ "$deploy_mode" = client ]; then
  driver_opts="$module_opts -Dlog4j2.configurationFile=$log4j"
else
  driver_opts=$remote_opts
fi

args=(--master "$master" --deploy-mode "$deploy_mode" --name shockscope-analyze
  --class org.shockscope.cli.ShockscopeCli
  --driver-memory "$driver_memory" --executor-memory "$executor_memory"
  --executor-cores "$executor_cores"
  --conf "spark.driver.extraJavaOptions=$driver_opts"
  --conf "spark.executor.extraJavaOptions=$remote_opts"
  --conf "spark.executorEnv.OPENBLAS_NUM_THREADS=1")
# On Kubernetes a local file needs an upload path in cluster mode: the image's logging applies.
[ "$cluster_manager" = k8s ] || args+=(--files "$log4j")
case "$cluster_manager" in
  yarn)
    args+=(--conf "spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1")
    [ -z "$num_executors" ] || args+=(--num-executors "$num_executors")
    [ -z "$queue" ] || args+=(--queue "$queue")
    ;;
  k8s)
    args+=(--conf "spark.kubernetes.container.image=$k8s_image"
      --conf "spark.kubernetes.driverEnv.OPENBLAS_NUM_THREADS=1")
    [ -z "$num_executors" ] || args+=(--conf "spark.executor.instances=$num_executors")
    ;;
  standalone)
    [ -z "$num_executors" ] || args+=(--total-executor-cores "$((num_executors * executor_cores))")
    ;;
esac
for c in "${confs[@]+"${confs[@]}"}"; do
  args+=(--conf "$c")
done
args+=("$jar" analyze "${app_args[@]}")

if [ "$from_maven" = 1 ]; then
  cmd=()
elif [ -n "${SPARK_SUBMIT:-}" ]; then
  cmd=("$SPARK_SUBMIT" "${args[@]}")
elif [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  cmd=("$SPARK_HOME/bin/spark-submit" "${args[@]}")
elif command -v spark-submit >/dev/null 2>&1; then
  cmd=(spark-submit "${args[@]}")
else
  cmd=()
fi
if [ ${#cmd[@]} = 0 ]; then
  # No Spark distribution: Spark's own SparkSubmit from the Maven dependencies. The client-mode
  # driver is this JVM, so its memory and options go on the java command line. The classpath
  # file is rewritten when pom.xml changed, so that the driver runs the pom's Spark.
  cp_file="$root/target/classpath.txt"
  if [ "$dry_run" = 0 ] && { [ ! -s "$cp_file" ] || [ "$root/pom.xml" -nt "$cp_file" ]; }; then
    (cd "$root" && mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
      -Dmdep.includeScope=compile >&2)
  fi
  classpath="<maven classpath>"
  [ ! -s "$cp_file" ] || classpath=$(cat "$cp_file")
  # shellcheck disable=SC2206
  cmd=(java "-Xmx$driver_memory" $driver_opts -cp "$classpath" org.apache.spark.deploy.SparkSubmit
    "${args[@]}")
fi

if [ "$dry_run" = 1 ]; then
  printf '%q ' "${cmd[@]}"
  printf '\n'
  exit 0
fi
# a local or client-mode driver runs its tasks' BLAS here too
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
exec "${cmd[@]}"
