package org.shockscope.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster for tests: one master and {@code workers} workers started as
 * separate JVMs from the Maven jars on the test classpath, bound to 127.0.0.1, plus a way to
 * submit an application through Spark's own {@code SparkSubmit}. {@code SPARK_HOME} is a
 * temporary folder whose {@code jars/} links every jar of the classpath, which is what a
 * worker needs to launch executors.
 */
final class StandaloneCluster implements AutoCloseable {
  /**
   * JIT options of every JVM of the cluster, the executors' included (the build's
   * {@code test.cluster.jit.options}): these JVMs live for seconds, too short for C2 to pay
   * off.
   */
  private static final String JIT = System.getProperty("shockscope.jitOptions", "");
  private final Path home;
  private final String classpath;
  private final List<Process> daemons = new ArrayList<>();
  private final int port;
  private final int uiPort;

  StandaloneCluster(Path dir, int workers, int coresPerWorker) throws IOException, InterruptedException {
    this.home = dir.resolve("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    for (String e : entries) {
      Path p = Path.of(e);
      if (e.endsWith(".jar") && Files.isRegularFile(p)) {
        Path link = jars.resolve(p.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      }
    }
    this.classpath = jars + File.separator + "*";
    this.port = freePort();
    this.uiPort = freePort();
    daemons.add(start(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port",
        String.valueOf(uiPort)));
    for (int i = 0; i < workers; i++) {
      Path work = Files.createDirectories(dir.resolve("work-" + i));
      daemons.add(start(dir.resolve("worker-" + i + ".log"),
          "org.apache.spark.deploy.worker.Worker", masterUrl(), "--host", "127.0.0.1",
          "--cores", String.valueOf(coresPerWorker), "--memory", "2g", "--webui-port",
          String.valueOf(freePort()), "--work-dir", work.toString()));
    }
    try {
      awaitWorkers(workers, Duration.ofSeconds(120));
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  private Process start(Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.add("-Xmx512m");
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    environment(pb.environment());
    return pb.start();
  }

  private void environment(Map<String, String> env) {
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_MASTER_HOST", "127.0.0.1");
  }

  private List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(System.getProperty("shockscope.moduleOptions", "").split(" ")));
    cmd.addAll(List.of(JIT.split(" ")));
    cmd.removeIf(String::isBlank);
    cmd.add("-cp");
    cmd.add(classpath);
    return cmd;
  }

  /** Polls the master's JSON status page until {@code n} workers are alive. */
  private void awaitWorkers(int n, Duration timeout) throws IOException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(
            "http://127.0.0.1:" + uiPort + "/json/").toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(1000);
        try (InputStream in = c.getInputStream()) {
          String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          // workers report "state" : "ALIVE"; the master itself reports "status"
          int alive = json.split("\"state\"\\s*:\\s*\"ALIVE\"", -1).length - 1;
          if (alive >= n) {
            return;
          }
        }
      } catch (IOException notYet) {
        // the master is still starting
      }
      Thread.sleep(500);
    }
    throw new IOException("standalone cluster did not get " + n + " workers within " + timeout);
  }

  /**
   * Runs {@code SparkSubmit} in a new JVM (client deploy mode) and returns its exit code.
   *
   * @param appJar    the application jar
   * @param mainClass its main class
   * @param log       where the driver's output goes
   * @param args      application arguments
   */
  int submit(Path appJar, String mainClass, Path log, List<String> conf, String... args)
      throws IOException, InterruptedException {
    return start(appJar, mainClass, log, conf, args).waitFor();
  }

  /**
   * Starts {@code SparkSubmit} like {@link #submit} without waiting: the returned process is
   * the driver (client deploy mode), to watch or to kill.
   */
  Process start(Path appJar, String mainClass, Path log, List<String> conf, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.add("-Xmx1g");
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", masterUrl(), "--deploy-mode", "client", "--class", mainClass,
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.executor.memory=1g"));
    if (!JIT.isBlank()) {
      cmd.addAll(List.of("--conf", "spark.executor.extraJavaOptions=" + JIT));
    }
    for (String c : conf) {
      cmd.add("--conf");
      cmd.add(c);
    }
    cmd.add(appJar.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    environment(pb.environment());
    return pb.start();
  }

  /**
   * The executor JVMs alive now: the workers' children running Spark's
   * {@code CoarseGrainedExecutorBackend}, in the order of the workers.
   */
  List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process d : daemons) {
      d.children().filter(ProcessHandle::isAlive)
          .filter(c -> c.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
          .forEach(out::add);
    }
    return out;
  }

  /** Packs a classes folder into a jar (the application jar of a submission). */
  static Path jarOf(Path classes, Path jar) throws IOException {
    try (OutputStream fos = Files.newOutputStream(jar);
         JarOutputStream out = new JarOutputStream(fos);
         Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
    }
    return jar;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process p : daemons) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
