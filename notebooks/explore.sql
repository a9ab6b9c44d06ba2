-- Databricks notebook source
-- MAGIC %md
-- MAGIC # shockscope: explore the output tables
-- MAGIC
-- MAGIC Queries over the tables `shockscope analyze` writes (SPEC §7): the strongest shocks, the phase
-- MAGIC table and its boundary, the runs that diverged, the viscosity law and the quarantined inputs.
-- MAGIC
-- MAGIC * **tables** — the output folder given to `analyze --out` (a Unity Catalog volume path, `dbfs:/…`,
-- MAGIC   `s3://…`, `abfss://…`); each table is the folder `<tables>/<table>`.
-- MAGIC * **format** — `delta` or `parquet`, as given to `analyze --format`.
-- MAGIC
-- MAGIC The widgets are read with named parameter markers (`:tables`, `:format`, Databricks Runtime 15.2
-- MAGIC and later); a table is addressed as ``IDENTIFIER(:format || '.`' || :tables || '/shocks`')``,
-- MAGIC i.e. ``parquet.`<tables>/shocks` ``. The last section uses shockscope's SQL functions: attach
-- MAGIC the shockscope jar to the cluster (dedicated access mode) first.

-- COMMAND ----------

CREATE WIDGET TEXT tables DEFAULT "/Volumes/main/shockscope/output/demo";
CREATE WIDGET DROPDOWN format DEFAULT "parquet" CHOICES SELECT * FROM (VALUES ("parquet"), ("delta"));

-- COMMAND ----------

-- DBTITLE 1,Sweep at a glance
SELECT count(*) AS runs,
       count_if(diverged) AS diverged,
       sum(n_shocks) AS shocks,
       count_if(n_shocks > 0) AS runs_with_shocks,
       percentile(first_shock_step, 0.5) AS median_first_shock_step,
       max(last_step) AS max_step
FROM IDENTIFIER(:format || '.`' || :tables || '/runs`');

-- COMMAND ----------

-- DBTITLE 1,Top shocks by strength
SELECT run_id, `group`, series, kind, step, step_lo, step_hi,
       u_left, u_right, jump, width, viscosity, strength, score
FROM IDENTIFIER(:format || '.`' || :tables || '/shocks`')
WHERE kind <> 'divergence'
ORDER BY strength DESC NULLS LAST, score DESC
LIMIT 25;

-- COMMAND ----------

-- DBTITLE 1,Which series shock, and how
SELECT series, kind,
       count(*) AS events,
       count(DISTINCT run_id) AS runs,
       percentile(step, 0.5) AS median_step,
       percentile(width, 0.5) AS median_width,
       percentile(strength, 0.5) AS median_strength
FROM IDENTIFIER(:format || '.`' || :tables || '/shocks`')
GROUP BY series, kind
ORDER BY events DESC, series, kind;

-- COMMAND ----------

-- DBTITLE 1,Run-level transitions (shocks seen by several series at once)
SELECT run_id, step, step_lo, step_hi, kind, n_series, series, score
FROM IDENTIFIER(:format || '.`' || :tables || '/transitions`')
ORDER BY n_series DESC, score DESC, run_id, step
LIMIT 25;

-- COMMAND ----------

-- DBTITLE 1,Phase table
-- One row per phase cell (its hyperparameters come first); rates with 95% Wilson intervals.
SELECT *
FROM IDENTIFIER(:format || '.`' || :tables || '/phase_stats`')
ORDER BY shock_rate DESC, divergence_rate DESC, n_runs DESC;

-- COMMAND ----------

-- DBTITLE 1,Phase boundary: critical learning rate per cell
SELECT target, cell, n_runs, n_positive, lr_min, lr_max,
       max_negative_lr, min_positive_lr, critical_lr, log_lr_slope, status
FROM IDENTIFIER(:format || '.`' || :tables || '/phase_boundary`')
ORDER BY target, status, critical_lr;

-- COMMAND ----------

-- DBTITLE 1,Runs that diverged
SELECT r.run_id, r.params['lr'] AS lr, r.divergence_step, r.last_step, r.final_loss,
       d.first_series, d.last_good_value, d.first_bad_value
FROM IDENTIFIER(:format || '.`' || :tables || '/runs`') AS r
LEFT JOIN (
  SELECT run_id,
         min_by(series, step) AS first_series,
         min_by(u_left, step) AS last_good_value,
         min_by(u_right, step) AS first_bad_value
  FROM IDENTIFIER(:format || '.`' || :tables || '/shocks`')
  WHERE kind = 'divergence'
  GROUP BY run_id) AS d
  ON r.run_id = d.run_id
WHERE r.diverged
ORDER BY r.divergence_step, r.run_id;

-- COMMAND ----------

-- DBTITLE 1,Viscosity law
-- log viscosity and log width of the jumps regressed on log temperature (lr / batch size).
SELECT response, term, estimate, std_error, ci_lo, ci_hi, p_value, n_events, r2
FROM IDENTIFIER(:format || '.`' || :tables || '/viscosity_law`')
ORDER BY response, term;

-- COMMAND ----------

-- DBTITLE 1,The jumps behind the law
SELECT s.run_id, s.series, s.step, s.width, s.viscosity,
       try_cast(r.params['lr'] AS DOUBLE) / try_cast(r.params['batch_size'] AS DOUBLE) AS temperature
FROM IDENTIFIER(:format || '.`' || :tables || '/shocks`') AS s
JOIN IDENTIFIER(:format || '.`' || :tables || '/runs`') AS r ON s.run_id = r.run_id
WHERE s.kind = 'jump' AND s.viscosity > 0
ORDER BY temperature, s.viscosity;

-- COMMAND ----------

-- DBTITLE 1,Which hyperparameters matter
SELECT target, rank, hyperparameter, importance, n_runs
FROM IDENTIFIER(:format || '.`' || :tables || '/importance`')
ORDER BY target, rank;

-- COMMAND ----------

-- DBTITLE 1,Time to first shock (survival model)
SELECT model, term, `transform`, coefficient, time_ratio, n_runs, n_events
FROM IDENTIFIER(:format || '.`' || :tables || '/survival`')
ORDER BY model, abs(coefficient) DESC;

-- COMMAND ----------

-- DBTITLE 1,Errors: quarantined inputs
SELECT stage, error, count(*) AS n, count(DISTINCT run_id) AS runs, first(message) AS example
FROM IDENTIFIER(:format || '.`' || :tables || '/errors`')
GROUP BY stage, error
ORDER BY n DESC;

-- COMMAND ----------

SELECT source, run_id, step, stage, error, message
FROM IDENTIFIER(:format || '.`' || :tables || '/errors`')
ORDER BY run_id NULLS FIRST, step
LIMIT 100;

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## shockscope's SQL functions
-- MAGIC
-- MAGIC `effective_rank`, `stable_rank`, `participation_ratio`, `spectral_entropy`, `spectral_summary`,
-- MAGIC `singular_values` and `jump_fit` (see `DESCRIBE FUNCTION EXTENDED <name>`). A cluster started
-- MAGIC with `spark.sql.extensions org.shockscope.spark.sql.ShockscopeExtensions` has them already; the
-- MAGIC next cell registers them in this notebook's session otherwise.

-- COMMAND ----------

-- MAGIC %python
-- MAGIC spark._jvm.org.shockscope.spark.sql.ShockscopeFunctions.register(spark._jsparkSession)

-- COMMAND ----------

-- DBTITLE 1,Spectral summary at each matrix's last checkpoint
SELECT run_id, `group`, matrix, step,
       s.effective_rank, s.stable_rank, s.participation_ratio, s.spectral_entropy,
       s.alpha, s.mp_softrank, s.num_spikes
FROM (
  SELECT run_id, `group`, matrix, step, spectral_summary(sv) AS s,
         row_number() OVER (PARTITION BY run_id, `group`, matrix ORDER BY step DESC) AS latest
  FROM IDENTIFIER(:format || '.`' || :tables || '/spectra`'))
WHERE latest = 1
ORDER BY run_id, `group`, matrix;

-- COMMAND ----------

-- DBTITLE 1,One tanh front fitted to every series that jumped
WITH jumped AS (
  SELECT DISTINCT run_id, `group`, series
  FROM IDENTIFIER(:format || '.`' || :tables || '/shocks`')
  WHERE kind = 'jump' AND `group` IS NOT NULL),
-- the detector also scans each matrix's top singular values as mode series <matrix>/sv<i>
series_values AS (
  SELECT run_id, `group`, name, step, value
  FROM IDENTIFIER(:format || '.`' || :tables || '/observables`')
  UNION ALL
  SELECT run_id, `group`, concat(matrix, '/sv', CAST(mode + 1 AS STRING)) AS name, step,
         mode_value AS value
  FROM IDENTIFIER(:format || '.`' || :tables || '/spectra`')
  LATERAL VIEW posexplode(sv) modes AS mode, mode_value),
fits AS (
  SELECT o.run_id, o.`group`, o.name AS series,
         jump_fit(collect_list(o.step), collect_list(o.value)) AS fit
  FROM series_values AS o
  JOIN jumped AS j ON o.run_id = j.run_id AND o.`group` = j.`group` AND o.name = j.series
  GROUP BY o.run_id, o.`group`, o.name)
SELECT run_id, `group`, series, fit.step, fit.u_left, fit.u_right, fit.jump, fit.width,
       fit.viscosity, fit.center_stderr
FROM fits
ORDER BY abs(fit.jump) DESC NULLS LAST;
