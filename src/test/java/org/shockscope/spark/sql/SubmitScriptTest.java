package org.shockscope.spark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/submit.sh} and {@code jobs/nightly-incremental.sh}: valid bash, a help text, and
 * the spark-submit command they build (printed by {@code --dry-run}, or passed to a stand-in
 * spark-submit that records its arguments and environment) for standalone, YARN and Kubernetes;
 * bad launches refused with a message and exit code 2.
 */
class SubmitScriptTest {
  private static final Path SUBMIT = Path.of("jobs", "submit.sh");
  private static final Path NIGHTLY = Path.of("jobs", "nightly-incremental.sh");
  private static final Path STANDALONE_DEMO = Path.of("jobs", "standalone-demo.sh");

  @TempDir
  Path dir;

  /** A process's exit code and combined output. */
  private record Run(int code, String out) {}

  private Run run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("SHOCKSCOPE_") || k.startsWith("SPARK_")
        || k.equals("MASTER"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }

  private Path jar() throws IOException {
    return Files.writeString(dir.resolve("shockscope.jar"), "stand-in");
  }

  private Map<String, String> env() throws IOException {
    return Map.of("SPARK_SUBMIT", "/opt/spark/bin/spark-submit", "SHOCKSCOPE_JAR",
        jar().toString());
  }

  /** The words of a --dry-run line (printf %q quoting undone for the simple cases used here). */
  private static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        w.append(line.charAt(++i));
      } else if (c == ' ') {
        if (w.length() > 0) {
          out.add(w.toString());
          w.setLength(0);
        }
      } else {
        w.append(c);
      }
    }
    if (w.length() > 0) {
      out.add(w.toString());
    }
    return out;
  }

  private static String after(List<String> words, String option) {
    int i = words.indexOf(option);
    assertTrue(i >= 0 && i + 1 < words.size(), option + " in " + words);
    return words.get(i + 1);
  }

  private static List<String> confs(List<String> words) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i + 1 < words.size(); i++) {
      if (words.get(i).equals("--conf")) {
        out.add(words.get(i + 1));
      }
    }
    return out;
  }

  @Test
  void scriptsAreValidBashWithHelp() throws Exception {
    for (Path script : List.of(SUBMIT, NIGHTLY, STANDALONE_DEMO)) {
      Run syntax = run(Map.of(), "bash", "-n", script.toString());
      assertEquals(0, syntax.code(), script + ": " + syntax.out());
      assertTrue(Files.isExecutable(script), script + " is executable");
    }
    Run demoHelp = run(Map.of(), STANDALONE_DEMO.toString(), "--help");
    assertEquals(0, demoHelp.code(), demoHelp.out());
    assertTrue(demoHelp.out().startsWith("Usage: jobs/standalone-demo.sh"), demoHelp.out());
    Run noWorkers = run(Map.of(), STANDALONE_DEMO.toString(), "--workers", "0");
    assertEquals(2, noWorkers.code(), noWorkers.out());
    assertTrue(noWorkers.out().contains("--workers must be a positive integer, got '0'"),
        noWorkers.out());
    Run help = run(Map.of(), SUBMIT.toString(), "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().startsWith("Usage: jobs/submit.sh"), help.out());
    for (String option : List.of("--master", "--deploy-mode", "--executor-memory",
        "--executor-cores", "--num-executors", "--k8s-image", "--jar", "--conf", "--dry-run",
        "--spark-from-maven")) {
      assertTrue(help.out().contains(option), option);
    }
  }

  @Test
  void standaloneClientCommand() throws Exception {
    Run r = run(env(), SUBMIT.toString(), "--dry-run", "--master", "spark://127.0.0.1:7077",
        "--num-executors", "3", "--executor-cores", "4", "--conf", "spark.sql.shuffle.partitions=64",
        "--sweep", "/data/sweep", "--out", "/data/out", "--format", "delta", "--incremental");
    assertEquals(0, r.code(), r.out());
    List<String> w = words(r.out().strip());
    assertEquals("/opt/spark/bin/spark-submit", w.get(0));
    assertEquals("spark://127.0.0.1:7077", after(w, "--master"));
    assertEquals("client", after(w, "--deploy-mode"));
    assertEquals("org.shockscope.cli.ShockscopeCli", after(w, "--class"));
    assertEquals("4", after(w, "--executor-cores"));
    assertEquals("6g", after(w, "--executor-memory"));
    assertEquals("12", after(w, "--total-executor-cores"));
    assertTrue(after(w, "--files").endsWith("conf/log4j2.properties"));
    List<String> confs = confs(w);
    assertTrue(confs.contains("spark.executorEnv.OPENBLAS_NUM_THREADS=1"), confs.toString());
    assertTrue(confs.contains("spark.sql.shuffle.partitions=64"), confs.toString());
    String driver = confs.stream().filter(c -> c.startsWith("spark.driver.extraJavaOptions="))
        .findFirst().orElseThrow();
    String executor = confs.stream().filter(c -> c.startsWith("spark.executor.extraJavaOptions="))
        .findFirst().orElseThrow();
    for (String opts : List.of(driver, executor)) {
      assertTrue(opts.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), opts);
      assertTrue(opts.contains("--add-opens=java.base/java.lang=ALL-UNNAMED"), opts);
    }
    assertTrue(driver.matches(".*-Dlog4j2.configurationFile=/\\S+/conf/log4j2.properties$"), driver);
    assertTrue(executor.endsWith("-Dlog4j2.configurationFile=log4j2.properties"), executor);
    int jarAt = w.indexOf(jar().toString());
    assertEquals(List.of("analyze", "--sweep", "/data/sweep", "--out", "/data/out", "--format",
        "delta", "--incremental"), w.subList(jarAt + 1, w.size()));
  }

  @Test
  void sparkFromMavenRunsSparkSubmitInTheDriverJvmEvenWithASparkSubmitInstalled()
      throws Exception {
    // SPARK_SUBMIT would win otherwise: a cluster started from the Maven jars needs their Spark
    Run r = run(env(), SUBMIT.toString(), "--dry-run", "--spark-from-maven", "--master",
        "spark://127.0.0.1:7077", "--driver-memory", "2g", "--conf", "spark.driver.host=127.0.0.1",
        "--sweep", "/s", "--out", "/o");
    assertEquals(0, r.code(), r.out());
    List<String> w = words(r.out().strip());
    assertEquals("java", w.get(0));
    assertEquals("-Xmx2g", w.get(1));
    // the client-mode driver is this JVM: its options are on the java command line
    assertTrue(w.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), w.toString());
    assertTrue(w.stream().anyMatch(a -> a.matches("-Dlog4j2.configurationFile=/\\S+/conf/log4j2.properties")),
        w.toString());
    int main = w.indexOf("org.apache.spark.deploy.SparkSubmit");
    assertTrue(main > 0 && w.get(main - 2).equals("-cp"), w.toString());
    assertEquals("spark://127.0.0.1:7077", after(w, "--master"));
    assertTrue(confs(w).contains("spark.driver.host=127.0.0.1"), confs(w).toString());
    assertFalse(w.contains("/opt/spark/bin/spark-submit"), w.toString());
  }

  @Test
  void yarnAndKubernetesRunTheDriverOnTheCluster() throws Exception {
    Run yarn = run(env(), SUBMIT.toString(), "--dry-run", "--master", "yarn", "--queue", "ml",
        "--num-executors", "8", "--sweep", "hdfs:///s", "--out", "hdfs:///o");
    assertEquals(0, yarn.code(), yarn.out());
    List<String> y = words(yarn.out().strip());
    assertEquals("cluster", after(y, "--deploy-mode"));
    assertEquals("8", after(y, "--num-executors"));
    assertEquals("ml", after(y, "--queue"));
    assertTrue(confs(y).contains("spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1"));
    assertTrue(confs(y).stream().anyMatch(c -> c.startsWith("spark.driver.extraJavaOptions=")
        && c.endsWith("-Dlog4j2.configurationFile=log4j2.properties")), "cluster-mode driver log config");

    Run k8s = run(Map.of("SPARK_SUBMIT", "/opt/spark/bin/spark-submit", "SHOCKSCOPE_K8S_IMAGE",
            "registry.example/shockscope:0.1"), SUBMIT.toString(), "--dry-run",
        "--master", "k8s://https://k8s.example:6443", "--jar", "local:///opt/shockscope/shockscope.jar",
        "--num-executors", "4", "--sweep", "s3a://b/s", "--out", "s3a://b/o");
    assertEquals(0, k8s.code(), k8s.out());
    List<String> k = words(k8s.out().strip());
    assertEquals("cluster", after(k, "--deploy-mode"));
    assertTrue(confs(k).contains("spark.kubernetes.container.image=registry.example/shockscope:0.1"));
    assertTrue(confs(k).contains("spark.executor.instances=4"));
    assertFalse(k.contains("--files"), "no local file to upload on Kubernetes");
    assertTrue(k.contains("local:///opt/shockscope/shockscope.jar"));
  }

  @Test
  void badLaunchesAreRefusedWithAMessage() throws Exception {
    Map<String, String> env = env();
    String[][] cases = {
        {"missing --out", "--sweep", "/s"},
        {"missing --sweep", "--out", "/o"},
        {"Kubernetes needs --k8s-image", "--master", "k8s://https://h:1", "--sweep", "/s", "--out", "/o"},
        {"unsupported --master 'mesos://h:5050'", "--master", "mesos://h:5050", "--sweep", "/s", "--out", "/o"},
        {"--deploy-mode must be client or cluster, got 'both'", "--deploy-mode", "both", "--sweep", "/s", "--out", "/o"},
        {"--conf needs KEY=VALUE, got 'x'", "--conf", "x", "--sweep", "/s", "--out", "/o"},
        {"--executor-cores must be a positive integer, got '0'", "--executor-cores", "0", "--sweep", "/s", "--out", "/o"},
        {"option --master needs a value", "--sweep", "/s", "--out", "/o", "--master"},
        {"application jar /nonexistent.jar does not exist", "--jar", "/nonexistent.jar", "--sweep", "/s", "--out", "/o"}};
    for (String[] c : cases) {
      List<String> cmd = new ArrayList<>(List.of(SUBMIT.toString(), "--dry-run"));
      cmd.addAll(List.of(c).subList(1, c.length));
      Run r = run(env, cmd.toArray(String[]::new));
      assertEquals(2, r.code(), c[0] + ": " + r.out());
      assertTrue(r.out().contains(c[0]), c[0] + " in: " + r.out());
    }
  }

  @Test
  void runsSparkSubmitWithOneBlasThread() throws Exception {
    Path record = dir.resolve("args.txt");
    Path fake = dir.resolve("spark-submit");
    Files.writeString(fake, "#!/usr/bin/env bash\nprintf '%s\\n' \"OPENBLAS=$OPENBLAS_NUM_THREADS\""
        + " \"$@\" > " + record + "\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    Run r = run(Map.of("SPARK_SUBMIT", fake.toString(), "SHOCKSCOPE_JAR", jar().toString(),
        "SHOCKSCOPE_MASTER", "spark://10.0.0.1:7077"), SUBMIT.toString(), "--sweep", "/s",
        "--out", "/o");
    assertEquals(0, r.code(), r.out());
    List<String> args = Files.readAllLines(record);
    assertEquals("OPENBLAS=1", args.get(0));
    assertEquals("spark://10.0.0.1:7077", after(args, "--master"));
    assertEquals(List.of("analyze", "--sweep", "/s", "--out", "/o"),
        args.subList(args.size() - 5, args.size()));
  }

  @Test
  void nightlyRunIsIncrementalAndSkipsWhileThePreviousOneRuns() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(env());
    env.put("SHOCKSCOPE_SWEEP", "/sweeps/main");
    env.put("SHOCKSCOPE_OUT", "/out/main");
    env.put("SHOCKSCOPE_LOCK", dir.resolve("nightly.lock").toString());
    Run r = run(env, NIGHTLY.toString(), "--dry-run");
    assertEquals(0, r.code(), r.out());
    String command = r.out().lines().filter(l -> l.startsWith("/opt/spark/bin/spark-submit"))
        .findFirst().orElseThrow();
    List<String> w = words(command);
    int jarAt = w.indexOf(jar().toString());
    // no --format: the job's default, Parquet for a folder and Delta for a catalog namespace
    assertEquals(List.of("analyze", "--sweep", "/sweeps/main", "--out", "/out/main",
        "--incremental"), w.subList(jarAt + 1, w.size()));

    Run missing = run(Map.of(), NIGHTLY.toString(), "--dry-run");
    assertTrue(missing.code() != 0 && missing.out().contains("set SHOCKSCOPE_SWEEP"), missing.out());

    // a run holding the lock makes the next one skip the night
    assumeTrue(run(Map.of(), "sh", "-c", "command -v flock").code() == 0, "flock not installed");
    Process holder = new ProcessBuilder("flock", "-o", env.get("SHOCKSCOPE_LOCK"), "sh", "-c",
        "echo held; exec sleep 60").start();
    try {
      java.io.BufferedReader held = new java.io.BufferedReader(
          new java.io.InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("held", held.readLine());
      Run skipped = run(env, NIGHTLY.toString(), "--dry-run");
      assertEquals(0, skipped.code(), skipped.out());
      assertTrue(skipped.out().contains("previous run still holds"), skipped.out());
      assertFalse(skipped.out().contains("spark-submit"), skipped.out());
    } finally {
      holder.descendants().forEach(ProcessHandle::destroy);
      holder.destroy();
      holder.waitFor();
    }
    Run after = run(env, NIGHTLY.toString(), "--dry-run");
    assertTrue(after.out().contains("spark-submit"), "lock released: " + after.out());
  }
}
