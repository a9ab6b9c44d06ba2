package org.shockscope.spark.sql;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shockscope.cli.ShockscopeCli;
import picocli.CommandLine;

/**
 * {@code jobs/databricks/shockscope-job.json} is a valid Databricks Jobs API 2.1
 * {@code jobs/create} request: every key of every object a field the API defines (an object
 * this test has no allow-list for counts as a failure), of the right JSON types, the required
 * ones present, no deprecated ones, one task type and one compute per task, a well-formed
 * Quartz schedule; and it runs what it claims: a main class of this project with {@code main(String[])} and parameters
 * that the {@code shockscope} command line parses as an incremental analysis.
 *
 * <p>The field names are those of the API reference as published in Databricks' generated SDK
 * ({@code com.databricks.sdk.service.jobs.CreateJob}, {@code Task}, {@code SparkJarTask},
 * {@code CronSchedule}; {@code compute.ClusterSpec}, {@code AutoScale}, {@code Library}).
 */
class DatabricksJobTest {
  private static final Path JOB = Path.of("jobs", "databricks", "shockscope-job.json");

  private static final Set<String> CREATE_JOB = Set.of("access_control_list", "budget_policy_id",
      "continuous", "deployment", "description", "edit_mode", "email_notifications",
      "environments", "format", "git_source", "health", "job_clusters", "max_concurrent_runs",
      "name", "notification_settings", "parameters", "performance_target", "queue", "run_as",
      "schedule", "tags", "tasks", "timeout_seconds", "trigger", "webhook_notifications");
  private static final Set<String> TASK = Set.of("clean_rooms_notebook_task", "condition_task",
      "dashboard_task", "dbt_cloud_task", "dbt_platform_task", "dbt_task", "depends_on",
      "description", "disable_auto_optimization", "email_notifications", "environment_key",
      "existing_cluster_id", "for_each_task", "gen_ai_compute_task", "health", "job_cluster_key",
      "libraries", "max_retries", "min_retry_interval_millis", "new_cluster", "notebook_task",
      "notification_settings", "pipeline_task", "power_bi_task", "python_wheel_task",
      "retry_on_timeout", "run_if", "run_job_task", "spark_jar_task", "spark_python_task",
      "spark_submit_task", "sql_task", "task_key", "timeout_seconds", "webhook_notifications");
  private static final Set<String> TASK_TYPES = Set.of("clean_rooms_notebook_task",
      "condition_task", "dashboard_task", "dbt_cloud_task", "dbt_platform_task", "dbt_task",
      "for_each_task", "gen_ai_compute_task", "notebook_task", "pipeline_task", "power_bi_task",
      "python_wheel_task", "run_job_task", "spark_jar_task", "spark_python_task",
      "spark_submit_task", "sql_task");
  private static final Set<String> SPARK_JAR_TASK = Set.of("jar_uri", "main_class_name",
      "parameters", "run_as_repl");
  private static final Set<String> CRON_SCHEDULE = Set.of("pause_status",
      "quartz_cron_expression", "timezone_id");
  private static final Set<String> CLUSTER_SPEC = Set.of("apply_policy_default_values",
      "autoscale", "autotermination_minutes", "aws_attributes", "azure_attributes",
      "cluster_log_conf", "cluster_name", "custom_tags", "data_security_mode", "docker_image",
      "driver_instance_pool_id", "driver_node_type_id", "enable_elastic_disk",
      "enable_local_disk_encryption", "gcp_attributes", "init_scripts", "instance_pool_id",
      "is_single_node", "kind", "node_type_id", "num_workers", "policy_id", "runtime_engine",
      "single_user_name", "spark_conf", "spark_env_vars", "spark_version", "ssh_public_keys",
      "use_ml_runtime", "workload_type");
  private static final Set<String> AUTOSCALE = Set.of("min_workers", "max_workers");
  private static final Set<String> LIBRARY = Set.of("cran", "egg", "jar", "maven", "pypi",
      "requirements", "whl");
  private static final Set<String> DATA_SECURITY_MODES = Set.of("NONE", "SINGLE_USER",
      "USER_ISOLATION", "LEGACY_TABLE_ACL", "LEGACY_PASSTHROUGH", "LEGACY_SINGLE_USER",
      "LEGACY_SINGLE_USER_STANDARD", "DATA_SECURITY_MODE_AUTO", "DATA_SECURITY_MODE_STANDARD",
      "DATA_SECURITY_MODE_DEDICATED");

  /** Allowed fields of each object type of the request. */
  private static final Map<String, Set<String>> FIELDS = Map.of("job", CREATE_JOB,
      "schedule", CRON_SCHEDULE, "task", TASK, "spark_jar_task", SPARK_JAR_TASK,
      "library", LIBRARY, "new_cluster", CLUSTER_SPEC, "autoscale", AUTOSCALE);
  /** Object type of an object (or array of objects) field, as {@code parent.field}. */
  private static final Map<String, String> CHILD = Map.of("job.schedule", "schedule",
      "job.tasks", "task", "task.spark_jar_task", "spark_jar_task", "task.libraries", "library",
      "task.new_cluster", "new_cluster", "new_cluster.autoscale", "autoscale");
  /** Maps whose keys are the user's (tags, Spark settings), not fields of the API. */
  private static final Set<String> FREE_MAPS = Set.of("job.tags", "new_cluster.spark_conf",
      "new_cluster.spark_env_vars", "new_cluster.custom_tags");

  private static JsonNode job;

  @BeforeAll
  static void read() throws IOException {
    job = new ObjectMapper().readTree(JOB.toFile());
  }

  /** Fields of {@code node} all in {@code allowed}, and the {@code required} ones present. */
  private static void fields(String where, JsonNode node, Set<String> allowed, String... required) {
    assertTrue(node.isObject(), where + " is an object");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      assertTrue(allowed.contains(f), where + ": '" + f + "' is not a field of the Jobs API");
    }
    for (String r : required) {
      assertTrue(node.has(r), where + ": required field '" + r + "' missing");
    }
  }

  /**
   * Every key of {@code node}, an object of {@code type}, and of the objects under it checked
   * against the allow-lists; an object field this test has no allow-list for is a problem too,
   * so that nothing in the file goes unchecked.
   */
  private static void walk(String type, String path, JsonNode node, List<String> problems) {
    Set<String> allowed = FIELDS.get(type);
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String at = path + "." + f.getKey();
      String key = type + "." + f.getKey();
      if (!allowed.contains(f.getKey())) {
        problems.add(at + ": '" + f.getKey() + "' is not a field of " + type);
        continue;
      }
      JsonNode v = f.getValue();
      if (FREE_MAPS.contains(key) || !(v.isObject() || v.isArray() && v.has(0)
          && v.get(0).isObject())) {
        continue;
      }
      String child = CHILD.get(key);
      if (child == null) {
        problems.add(at + ": no allow-list for the fields of " + key
            + " in this test; add them from the Jobs API reference");
      } else if (v.isObject()) {
        walk(child, at, v, problems);
      } else {
        for (int i = 0; i < v.size(); i++) {
          walk(child, at + "[" + i + "]", v.get(i), problems);
        }
      }
    }
  }

  private static List<String> problems(JsonNode request) {
    List<String> problems = new ArrayList<>();
    walk("job", "job", request, problems);
    return problems;
  }

  @Test
  void everyKeyIsAJobsApiField() {
    assertEquals(List.of(), problems(job));
  }

  @Test
  void misspelledAndUncheckedFieldsAreFound() throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode bad = job.deepCopy();
    com.fasterxml.jackson.databind.node.ObjectNode task =
        (com.fasterxml.jackson.databind.node.ObjectNode) bad.get("tasks").get(0);
    ((com.fasterxml.jackson.databind.node.ObjectNode) task.get("spark_jar_task"))
        .put("main_class", "x");
    ((com.fasterxml.jackson.databind.node.ObjectNode) task.get("new_cluster").get("autoscale"))
        .put("max", 3);
    bad.putObject("email_notifications").putArray("on_failure").add("a@example.com");
    bad.put("schedul", "0 0 * * * ?");
    assertEquals(List.of(
        "job.tasks[0].spark_jar_task.main_class: 'main_class' is not a field of spark_jar_task",
        "job.tasks[0].new_cluster.autoscale.max: 'max' is not a field of autoscale",
        "job.email_notifications: no allow-list for the fields of job.email_notifications in "
            + "this test; add them from the Jobs API reference",
        "job.schedul: 'schedul' is not a field of job"), problems(bad));
  }

  private static void type(String where, JsonNode node, String field, JsonNodeKind kind) {
    if (node.has(field)) {
      assertTrue(kind.matches(node.get(field)), where + "." + field + " must be " + kind);
    }
  }

  private enum JsonNodeKind {
    STRING, INT, BOOL, STRING_MAP, STRING_ARRAY, OBJECT_ARRAY;

    boolean matches(JsonNode n) {
      return switch (this) {
        case STRING -> n.isTextual();
        case INT -> n.isIntegralNumber();
        case BOOL -> n.isBoolean();
        case STRING_MAP -> n.isObject() && all(n.elements(), JsonNode::isTextual);
        case STRING_ARRAY -> n.isArray() && all(n.elements(), JsonNode::isTextual);
        case OBJECT_ARRAY -> n.isArray() && all(n.elements(), JsonNode::isObject);
      };
    }

    private static boolean all(Iterator<JsonNode> it, java.util.function.Predicate<JsonNode> p) {
      while (it.hasNext()) {
        if (!p.test(it.next())) {
          return false;
        }
      }
      return true;
    }
  }

  @Test
  void usesOnlyJobsApiFieldsWithTheirTypes() {
    fields("job", job, CREATE_JOB, "name", "tasks", "schedule");
    type("job", job, "name", JsonNodeKind.STRING);
    type("job", job, "description", JsonNodeKind.STRING);
    type("job", job, "tags", JsonNodeKind.STRING_MAP);
    type("job", job, "max_concurrent_runs", JsonNodeKind.INT);
    type("job", job, "timeout_seconds", JsonNodeKind.INT);
    type("job", job, "tasks", JsonNodeKind.OBJECT_ARRAY);
    assertEquals(1, job.get("max_concurrent_runs").asInt(),
        "incremental runs over one output must not overlap");

    JsonNode schedule = job.get("schedule");
    fields("schedule", schedule, CRON_SCHEDULE, "quartz_cron_expression", "timezone_id");
    type("schedule", schedule, "quartz_cron_expression", JsonNodeKind.STRING);
    type("schedule", schedule, "timezone_id", JsonNodeKind.STRING);
    assertTrue(Set.of("PAUSED", "UNPAUSED").contains(schedule.path("pause_status").asText()));
    assertDoesNotThrow(() -> ZoneId.of(schedule.get("timezone_id").asText()));

    assertTrue(job.get("tasks").size() >= 1);
    Set<String> keys = new java.util.HashSet<>();
    for (JsonNode task : job.get("tasks")) {
      String key = task.path("task_key").asText();
      fields("task " + key, task, TASK, "task_key");
      assertTrue(key.matches("[\\w\\-]{1,100}"), "task_key " + key);
      assertTrue(keys.add(key), "unique task_key " + key);
      type(key, task, "libraries", JsonNodeKind.OBJECT_ARRAY);
      type(key, task, "max_retries", JsonNodeKind.INT);
      type(key, task, "min_retry_interval_millis", JsonNodeKind.INT);
      type(key, task, "retry_on_timeout", JsonNodeKind.BOOL);
      type(key, task, "timeout_seconds", JsonNodeKind.INT);
      List<String> types = new ArrayList<>();
      task.fieldNames().forEachRemaining(f -> {
        if (TASK_TYPES.contains(f)) {
          types.add(f);
        }
      });
      assertEquals(List.of("spark_jar_task"), types, key + ": one task type");
      long compute = List.of("new_cluster", "existing_cluster_id", "job_cluster_key").stream()
          .filter(task::has).count();
      assertEquals(1, compute, key + ": one compute");

      JsonNode jar = task.get("spark_jar_task");
      fields(key + ".spark_jar_task", jar, SPARK_JAR_TASK, "main_class_name");
      type(key, jar, "main_class_name", JsonNodeKind.STRING);
      type(key, jar, "parameters", JsonNodeKind.STRING_ARRAY);
      assertTrue(!jar.has("jar_uri"), "jar_uri is deprecated: the jar is a library");
      assertTrue(!jar.has("run_as_repl"), "run_as_repl is deprecated");

      for (JsonNode lib : task.get("libraries")) {
        fields(key + ".libraries[]", lib, LIBRARY);
        assertEquals(1, lib.size(), "one kind per library");
      }

      JsonNode cluster = task.get("new_cluster");
      fields(key + ".new_cluster", cluster, CLUSTER_SPEC, "spark_version");
      type(key, cluster, "spark_version", JsonNodeKind.STRING);
      type(key, cluster, "node_type_id", JsonNodeKind.STRING);
      type(key, cluster, "num_workers", JsonNodeKind.INT);
      type(key, cluster, "spark_conf", JsonNodeKind.STRING_MAP);
      type(key, cluster, "spark_env_vars", JsonNodeKind.STRING_MAP);
      type(key, cluster, "custom_tags", JsonNodeKind.STRING_MAP);
      assertTrue(cluster.has("node_type_id") || cluster.has("instance_pool_id"), "node type");
      assertTrue(cluster.has("num_workers") ^ cluster.has("autoscale"), "workers: fixed or autoscale");
      if (cluster.has("autoscale")) {
        JsonNode a = cluster.get("autoscale");
        fields(key + ".autoscale", a, AUTOSCALE, "min_workers", "max_workers");
        assertTrue(a.get("min_workers").isIntegralNumber() && a.get("max_workers").isIntegralNumber());
        assertTrue(a.get("min_workers").asInt() <= a.get("max_workers").asInt());
      }
      if (cluster.has("data_security_mode")) {
        assertTrue(DATA_SECURITY_MODES.contains(cluster.get("data_security_mode").asText()));
      }
    }
  }

  @Test
  void scheduleIsAWellFormedQuartzExpression() {
    String[] f = job.get("schedule").get("quartz_cron_expression").asText().split(" ");
    assertTrue(f.length == 6 || f.length == 7, "seconds minutes hours day-of-month month"
        + " day-of-week [year]: " + String.join(" ", f));
    int[][] ranges = {{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {1, 7}};
    for (int i = 0; i < 6; i++) {
      for (String part : f[i].split("[,/-]")) {
        if (!part.equals("*") && !part.equals("?")) {
          int v = Integer.parseInt(part);
          assertTrue(v >= ranges[i][0] && v <= ranges[i][1], "field " + i + " = " + v);
        }
      }
    }
    // Quartz wants exactly one of day-of-month and day-of-week to be '?'
    assertTrue(f[3].equals("?") ^ f[5].equals("?"), "one of day-of-month, day-of-week is '?'");
  }

  @Test
  void runsAnIncrementalAnalysisOfThisProjectsJar() throws Exception {
    JsonNode task = job.get("tasks").get(0);
    JsonNode jarTask = task.get("spark_jar_task");
    Class<?> main = Class.forName(jarTask.get("main_class_name").asText());
    Method m = main.getMethod("main", String[].class);
    assertTrue(Modifier.isStatic(m.getModifiers()));
    List<String> params = new ArrayList<>();
    jarTask.get("parameters").forEach(p -> params.add(p.asText()));
    CommandLine.ParseResult parsed = ShockscopeCli.commandLine().parseArgs(params.toArray(String[]::new));
    CommandLine.ParseResult analyze = parsed.subcommand();
    assertEquals("analyze", analyze.commandSpec().name());
    assertTrue(analyze.<Boolean>matchedOptionValue("--incremental", false));
    assertTrue(analyze.hasMatchedOption("--sweep") && analyze.hasMatchedOption("--out"));
    // tables in a Unity Catalog schema (catalog "main"), the report in a volume
    String out = analyze.matchedOptionValue("--out", "");
    assertTrue(org.shockscope.spark.OutputTarget.resolve(out, "main"::equals).isCatalog(), out);
    String report = analyze.matchedOptionValue("--report", "");
    assertTrue(report.startsWith("/Volumes/") && report.endsWith(".html"), report);

    String version = task.get("new_cluster").get("spark_version").asText();
    assertTrue(version.matches("17\\.\\d+\\.x-scala2\\.13"),
        "Databricks Runtime 17 (Spark 4.0, Scala 2.13): " + version);
    String jar = task.get("libraries").get(0).get("jar").asText();
    assertTrue(jar.endsWith("/shockscope.jar"), jar);
    Map<String, String> env = new ObjectMapper().convertValue(
        task.get("new_cluster").get("spark_env_vars"), Map.class);
    assertEquals("1", env.get("OPENBLAS_NUM_THREADS"));
    if (!jar.startsWith("/Volumes/") && !jar.matches("(dbfs|s3|abfss|gs):/.*")) {
      fail("library jar must be a volume path or a cloud URI: " + jar);
    }
  }
}
