package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The sweep statistics of SPEC §6, computed from the {@code runs} and {@code shocks} tables as
 * written and written back as {@code phase_stats}, {@code phase_boundary}, {@code survival},
 * {@code importance}, {@code viscosity_law}, {@code viscosity_by_setting} and
 * {@code symmetry_law}.
 *
 * <p>Every run of the output counts, including runs kept from earlier jobs. Hyperparameter
 * values are whatever the sweep declared (zero, negative, huge, text), so nothing here may fail
 * on a value: an undefined result (a temperature with {@code batch_size} 0, a model the values
 * cannot support) is NULL or an empty table, and each such case is returned as a warning for the
 * job's summary.
 */
final class SweepAggregation {
  private final SparkSession spark;
  private final TableStore store;
  private final HyperparameterColumns hps;
  private final AnalyzeSettings settings;
  private final List<String> warnings = new ArrayList<>();
  /** Why a model's fit failed, by table; filled from the threads that fit them. */
  private final Map<String, String> unfitted = new ConcurrentHashMap<>();

  SweepAggregation(SparkSession spark, TableStore store, HyperparameterColumns hps,
                   AnalyzeSettings settings) {
    this.store = store;
    this.spark = spark;
    this.hps = hps;
    this.settings = settings;
  }

  /**
   * Computes and writes the aggregate tables, side by side ({@link ParallelActions}): each
   * reads only the runs and shocks tables.
   *
   * @param cells the phase-diagram cell columns of {@code runs}
   * @param stage called with the stage's name before it starts
   * @return the warnings: undefined values and models that could not be fitted
   */
  List<String> write(List<String> cells, Consumer<String> stage) {
    stage.accept("aggregating");
    Dataset<Row> runs = store.read(Tables.RUNS);
    Dataset<Row> shocks = store.read(Tables.SHOCKS);
    Column temperature = temperature(runs);
    HyperparameterColumns.Hyperparameter mom = hps.byKey(settings.momentumKey());
    PhaseModels models = new PhaseModels(runs, shocks, hps, settings.randomSeed());
    String momentum = mom != null && mom.numeric() ? mom.column() : null;
    new ParallelActions()
        .add(() -> store.replaceAll(Tables.PHASE_STATS,
            PhaseAggregation.phaseStats(runs, shocks, cells, temperature)))
        .add(() -> store.replaceAll(Tables.PHASE_BOUNDARY,
            models.phaseBoundary(cells, settings.lrKey())))
        .add(() -> store.replaceAll(Tables.SURVIVAL, model(Tables.SURVIVAL,
            PhaseModels.SURVIVAL_SCHEMA, models::survival)))
        .add(() -> store.replaceAll(Tables.IMPORTANCE, model(Tables.IMPORTANCE,
            PhaseModels.IMPORTANCE_SCHEMA, models::importance)))
        .add(() -> store.replaceAll(Tables.VISCOSITY_LAW,
            model(Tables.VISCOSITY_LAW, PhaseModels.VISCOSITY_SCHEMA,
                () -> models.viscosityLaw(temperature, momentum))))
        .add(() -> store.replaceAll(Tables.VISCOSITY_BY_SETTING,
            model(Tables.VISCOSITY_BY_SETTING, ViscosityBySetting.SCHEMA,
                () -> ViscosityBySetting.of(runs, shocks, hps, settings.momentumKey(),
                    temperature))))
        .add(() -> store.replaceAll(Tables.SYMMETRY_LAW,
            model(Tables.SYMMETRY_LAW, SymmetryLaw.SCHEMA,
                () -> SymmetryLaw.of(runs, shocks, hps))))
        .run();
    // in the tables' order, whichever fit failed first
    for (String t : List.of(Tables.SURVIVAL, Tables.IMPORTANCE, Tables.VISCOSITY_LAW,
        Tables.VISCOSITY_BY_SETTING, Tables.SYMMETRY_LAW)) {
      if (unfitted.containsKey(t)) {
        warnings.add(t + ": not fitted on this sweep's values (" + unfitted.get(t) + ")");
      }
    }
    return List.copyOf(warnings);
  }

  /**
   * A model's table, materialised here so that a failure of the fit on the sweep's values
   * (MLlib rejects some inputs it cannot optimise over) leaves that one table empty with a
   * warning instead of failing the job after its checkpoints were reduced.
   */
  private Dataset<Row> model(String table, org.apache.spark.sql.types.StructType schema,
                             Supplier<Dataset<Row>> fit) {
    try {
      List<Row> rows = fit.get().collectAsList();
      return spark.createDataFrame(rows, schema);
    } catch (RuntimeException e) {
      unfitted.put(table, firstLine(e));
      return spark.createDataFrame(List.of(), schema);
    }
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }

  /**
   * lr / batch_size over {@code runs} ({@link Temperature}), or null when the sweep lacks either
   * hyperparameter; runs that declare both but have no defined temperature are counted as a
   * warning.
   */
  private Column temperature(Dataset<Row> runs) {
    HyperparameterColumns.Hyperparameter lr = hps.byKey(settings.lrKey());
    HyperparameterColumns.Hyperparameter b = hps.byKey(settings.batchKey());
    if (lr == null || b == null) {
      return null;
    }
    Column t = Temperature.of(runs.col(lr.column()), runs.col(b.column()));
    Row r = runs.agg(count(lit(1)), sum(when(runs.col(lr.column()).isNotNull()
        .and(runs.col(b.column()).isNotNull()).and(t.isNull()), 1).otherwise(0))).first();
    long undefined = r.isNullAt(1) ? 0 : r.getLong(1);
    if (undefined > 0) {
      warnings.add("temperature " + lr.key() + " / " + b.key() + " undefined (NULL) for "
          + undefined + " of " + r.getLong(0) + " runs: it needs " + lr.key() + " >= 0 and "
          + b.key() + " > 0, finite numbers");
    }
    return t;
  }
}
