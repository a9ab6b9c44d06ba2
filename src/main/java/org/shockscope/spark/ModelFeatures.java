package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * Run columns that are features beside the hyperparameters when {@code runs} has them and
   * they vary: the symmetry degree of the run's structure (SPEC §7).
   */
  static final List<String> RUN_FEATURES = List.of("symmetry_dim", "symmetry_log_order");

  /**
   * Feature columns for the varying, non-seed hyperparameters of {@code runs}, then for its
   * varying {@link #RUN_FEATURES}.
   */
  static ModelFeatures of(Dataset<Row> runs, HyperparameterColumns hps) {
    List<HyperparameterColumns.Hyperparameter> hs = new ArrayList<>(hps.features());
    List<String> columns = java.util.Arrays.asList(runs.columns());
    for (String c : RUN_FEATURES) {
      if (columns.contains(c)) {
        // numeric; whether it varies is found below (distinct and present are not used)
        hs.add(new HyperparameterColumns.Hyperparameter(c, c, true, 2, 0));
      }
    }
    List<Feature> out = new ArrayList<>();
    if (hs.isEmpty()) {
      return new ModelFeatures(out);
    }
    // the runs table is small: its hyperparameter columns are summarised on the driver
    List<Row> local = runs.selectExpr(hs.stream().map(h -> h.numeric()
        ? "cast(`" + h.column() + "` as double)" : "`" + h.column() + "`")
        .toArray(String[]::new)).collectAsList();
    for (int j = 0; j < hs.size(); j++) {
      HyperparameterColumns.Hyperparameter h = hs.get(j);
      String c = h.column();
      if (h.numeric()) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int n = 0;
        for (Row r : local) {
          if (!r.isNullAt(j)) {
            double v = r.getDouble(j);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            n++;
          }
        }
        if (n == 0 || min == max) {
          // constant: no signal (a run feature that does not vary in this sweep)
          continue;
        }
        double mean = sum / n;
        if (min > 0 && max / min > 10) {
          out.add(new Feature("log10(" + h.key() + ")", h.key(), "log10",
              org.apache.spark.sql.functions.log10(
                  org.apache.spark.sql.functions.coalesce(col(c), lit(mean)))));
        } else {
          out.add(new Feature(h.key(), h.key(), "identity",
              org.apache.spark.sql.functions.coalesce(col(c), lit(mean))));
        }
      } else {
        java.util.Map<Object, Integer> counts = new java.util.HashMap<>();
        for (Row r : local) {
          counts.merge(r.isNullAt(j) ? null : r.getString(j), 1, Integer::sum);
        }
        List<java.util.Map.Entry<Object, Integer>> levels = new ArrayList<>(counts.entrySet());
        levels.sort((a, b) -> b.getValue() != a.getValue().intValue()
            ? Integer.compare(b.getValue(), a.getValue())
            : String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
        for (int i = 1; i < levels.size(); i++) {
          Object v = levels.get(i).getKey();
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

  /** The features' names, in design order. */
  List<String> names() {
    return features.stream().map(Feature::name).toList();
  }

  /**
   * The aliased features of the design over the rows of {@code runs} a model fits (collected on
   * the driver: the runs table is small), see {@link AliasedTerms}. Features are visited with
   * the one-hot terms of string hyperparameters first, those with fewer levels first (a coarse
   * factor such as the optimizer or the model family before what it determines), then the
   * numeric ones, each in design order: of two confounded terms the coarser one is kept.
   */
  AliasedTerms aliasing(Dataset<Row> runs) {
    if (features.isEmpty()) {
      return AliasedTerms.of(new double[0][]);
    }
    List<Row> local = runs.select(features.stream().map(f -> f.expr().cast("double"))
        .toArray(Column[]::new)).collectAsList();
    double[][] x = new double[local.size()][features.size()];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < features.size(); j++) {
        // a NULL feature (a value log10 cannot take) is skipped by the assembler's "skip"
        x[i][j] = local.get(i).isNullAt(j) ? Double.NaN : local.get(i).getDouble(j);
      }
    }
    List<double[]> finite = new ArrayList<>();
    for (double[] row : x) {
      if (java.util.Arrays.stream(row).allMatch(Double::isFinite)) {
        finite.add(row);
      }
    }
    Map<String, Integer> levels = new HashMap<>();
    for (Feature f : features) {
      levels.merge(f.hyperparameter(), 1, Integer::sum);
    }
    int[] order = java.util.stream.IntStream.range(0, features.size()).boxed()
        .sorted(java.util.Comparator.comparingInt((Integer j) -> oneHot(j) ? 0 : 1)
            .thenComparingInt(j -> oneHot(j) ? levels.get(features.get(j).hyperparameter()) : 0))
        .mapToInt(Integer::intValue).toArray();
    return AliasedTerms.of(finite.toArray(double[][]::new), order);
  }

  private boolean oneHot(int j) {
    return features.get(j).transform().equals("one-hot");
  }

  /** These features without the aliased ones: the design a model can identify. */
  ModelFeatures kept(AliasedTerms aliasing) {
    List<Feature> out = new ArrayList<>();
    for (int j : aliasing.kept()) {
      out.add(features.get(j));
    }
    return new ModelFeatures(out);
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
