# Databricks notebook source
# MAGIC %md
# MAGIC # shockscope quickstart
# MAGIC
# MAGIC Finds sudden training-phase transitions ("shocks") in a hyperparameter sweep and writes the
# MAGIC tables of SPEC §7 plus an HTML report.
# MAGIC
# MAGIC **Cluster.** Databricks Runtime 17.x (Apache Spark 4.0, Scala 2.13, JDK 17), *dedicated*
# MAGIC (single user) access mode: the job uses Spark's RDD API and this notebook calls the JVM
# MAGIC through `spark._jvm`, which standard (shared) and serverless compute do not offer.
# MAGIC
# MAGIC **Library.** Build the jar with `mvn -B package -DskipTests` (`target/shockscope.jar`), upload
# MAGIC it to a volume, e.g. `/Volumes/main/shockscope/jars/shockscope.jar`, and install it on the
# MAGIC cluster (Compute → Libraries → Install new → Volumes). Optionally add the Spark config
# MAGIC `spark.sql.extensions org.shockscope.spark.sql.ShockscopeExtensions` *and* copy the jar into
# MAGIC `/databricks/jars` with an init script to have the SQL functions in every session; otherwise
# MAGIC this notebook registers them itself.
# MAGIC
# MAGIC **Scheduled runs.** For nightly incremental runs use the JAR task of
# MAGIC `jobs/databricks/shockscope-job.json` (Jobs API 2.1) instead of this notebook.

# COMMAND ----------

dbutils.widgets.text("sweep", "/Volumes/main/shockscope/sweeps/demo", "Sweep folder")
dbutils.widgets.text("out", "/Volumes/main/shockscope/output/demo", "Output folder")
dbutils.widgets.dropdown("format", "delta", ["delta", "parquet"], "Table format")
dbutils.widgets.dropdown("incremental", "false", ["false", "true"], "Only new runs and checkpoints")

# COMMAND ----------

# DBTITLE 1,Run the analysis on this cluster
# The job's Java API runs in this notebook's own Spark session (spark-submit would start another).
options = {
    "sweep": dbutils.widgets.get("sweep"),
    "out": dbutils.widgets.get("out"),
    "format": dbutils.widgets.get("format"),
    "incremental": dbutils.widgets.get("incremental"),
}
jvm = spark._jvm
cli = jvm.java.util.HashMap()
for key, value in options.items():
    cli.put(key, value)
settings = jvm.org.shockscope.spark.AnalyzeSettings.resolve(cli, None, jvm.java.util.HashMap())
summary = jvm.org.shockscope.spark.SweepAnalysis(spark._jsparkSession, settings, jvm.System.out).run()
print(f"{summary.runs()} runs ({summary.diverged()} diverged), {summary.checkpoints()} checkpoints, "
      f"{summary.shocks()} shocks, {summary.transitions()} run-level transitions, "
      f"{summary.errors()} quarantined inputs, in {summary.elapsed().toSeconds()} s")
print("tables:", summary.out())

# COMMAND ----------

# DBTITLE 1,SQL functions in this session
jvm.org.shockscope.spark.sql.ShockscopeFunctions.register(spark._jsparkSession)

fmt = options["format"]
root = options["out"]


def table(name):
    """One output table as a DataFrame."""
    return spark.read.format(fmt).load(f"{root}/{name}")

# COMMAND ----------

# DBTITLE 1,Runs
display(table("runs")
        .select("run_id", "diverged", "divergence_step", "n_shocks", "first_shock_step",
                "last_step", "final_loss", "params")
        .orderBy("run_id"))

# COMMAND ----------

# DBTITLE 1,Strongest shocks
display(table("shocks").where("kind <> 'divergence'").orderBy("strength", ascending=False).limit(50))

# COMMAND ----------

# DBTITLE 1,Phase table and boundary
display(table("phase_stats").orderBy("shock_rate", ascending=False))
display(table("phase_boundary").orderBy("target", "cell"))

# COMMAND ----------

# DBTITLE 1,Viscosity law and errors
display(table("viscosity_law"))
display(table("errors"))

# COMMAND ----------

# DBTITLE 1,Spectral summary of the last checkpoint of each matrix
table("spectra").createOrReplaceTempView("spectra")
display(spark.sql("""
    SELECT run_id, `group`, matrix, step, spectral_summary(sv) AS summary
    FROM (SELECT *, row_number() OVER (PARTITION BY run_id, `group`, matrix ORDER BY step DESC) AS k
          FROM spectra)
    WHERE k = 1
    ORDER BY run_id, `group`, matrix"""))

# COMMAND ----------

# DBTITLE 1,Report
report = summary.report()
if report is not None:
    displayHTML(dbutils.fs.head(report, 20 * 1024 * 1024))
