# Sourced by the bench scripts that compile a program of src/bench/java against a build and run
# it. Sets root, classes (CLASSES, or this checkout's target/classes), spark_opts (Spark's module
# options from pom.xml) and defines
#   bench_compile SOURCE...   compile into a temporary folder (removed on exit)
#   bench_cp                  print the classpath: that folder, the build, its dependencies
# The build's dependency list (target/classpath.txt beside its classes) is made when absent.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
classes=${CLASSES:-$root/target/classes}
cp_file=$(dirname "$classes")/classpath.txt
[ -f "$cp_file" ] || (cd "$root" && mvn -q -B -o dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=compile >&2)
bench_out=$(mktemp -d)
trap 'rm -rf "$bench_out"' EXIT
spark_opts=$(sed -n 's:.*<spark.module.options>\(.*\)</spark.module.options>.*:\1:p' "$root/pom.xml")
bench_compile() {
  javac -nowarn -d "$bench_out" -cp "$classes:$(cat "$cp_file")" "$@"
}
bench_cp() {
  echo "$bench_out:$classes:$(cat "$cp_file")"
}
