package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns the hyperparameter columns of {@code runs} into a numeric feature vector for MLlib.
 *
 * <p>Numeric hyperparameters that are positive everywhere and span more than a decade
 * (learning rate, batch size, weight decay...) enter as log10, so that a coefficient is per
 * decade; other numeric ones as they are. A run lacking a numeric hyperparameter gets the
 * sweep mean (so that partially present hyperparameters do not drop runs). String
 * hyperparameters are one-hot encoded against their most common value, a missing value being
 * a level of its own. Hyperparameters constant across the sweep are left out: they carry no
 * signal and would make the design singular.
 */
final class ModelFeatures {
  /**
   * One column of the design matrix.
   *
   * @param name          the feature's name ({@code log10(lr)}, {@code optimizer=adam})
   * @param hyperparameter the key it comes from
   * @param transform     {@code log10}, {@code identity} or {@code one-hot}
   */
  record Feature(String name, String hyperparameter, String transform, Column expr) {}

  private final List<Feature> features;

  private ModelFeatures(List<Feature> features) {
    this.features = features;
  }

  /** Feature columns for the varying, non-seed hyperparameters of {@code runs}. */
  static ModelFeatures of(Dataset<Row> runs, HyperparameterColumns hps) {
    List<Feature> out = new ArrayList<>();
    for (HyperparameterColumns.Hyperparameter h : hps.features()) {
      String c = h.column();
      if (h.numeric()) {
        Row s = runs.selectExpr("min(`" + c + "`)", "max(`" + c + "`)", "avg(`" + c + "`)")
            .first();
        if (s.isNullAt(0)) {
          continue;
        }
        double min = s.getDouble(0);
        double max = s.getDouble(1);
        double mean = s.getDouble(2);
        if (min > 0 && max / min > 10) {
          out.add(new Feature("log10(" + h.key() + ")", h.key(), "log10",
              org.apache.spark.sql.functions.log10(
                  org.apache.spark.sql.functions.coalesce(col(c), lit(mean)))));
        } else {
          out.add(new Feature(h.key(), h.key(), "identity",
              org.apache.spark.sql.functions.coalesce(col(c), lit(mean))));
        }
      } else {
        List<Row> levels = runs.groupBy(col(c)).count().orderBy(col("count").desc(), col(c))
            .collectAsList();
        for (int i = 1; i < levels.size(); i++) {
          Object v = levels.get(i).get(0);
          Column is = v == null ? col(c).isNull() : col(c).equalTo(v);
          out.add(new Feature(h.key() + "=" + (v == null ? "(missing)" : v), h.key(), "one-hot",
              when(is, 1.0).otherwise(0.0)));
        }
      }
    }
    return new ModelFeatures(out);
  }

  List<Feature> features() {
    return features;
  }

  boolean isEmpty() {
    return features.isEmpty();
  }

  /** {@code runs} with a {@code features} vector column added (and the raw feature columns). */
  Dataset<Row> assemble(Dataset<Row> runs) {
    Dataset<Row> d = runs;
    String[] names = new String[features.size()];
    for (int i = 0; i < features.size(); i++) {
      names[i] = "_f" + i;
      d = d.withColumn(names[i], features.get(i).expr().cast("double"));
    }
    return new VectorAssembler().setInputCols(names).setOutputCol("features")
        .setHandleInvalid("skip").transform(d);
  }
}
