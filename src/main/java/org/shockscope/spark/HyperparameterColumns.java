package org.shockscope.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.shockscope.symmetry.SymmetryDegree;

/**
 * The hyperparameters of a sweep as typed columns of the {@code runs} table: which keys exist,
 * which are numeric in every run that has them (stored as double) and which stay strings.
 * Column names are the keys made SQL-safe ({@code [A-Za-z0-9_]}, lower case), prefixed with
 * {@code hp_} when they would collide with a fixed column of {@code runs}.
 *
 * @param all      every hyperparameter, in sweep order
 * @param seedKey  the key that identifies the random seed (excluded from cells), or null
 */
public record HyperparameterColumns(List<Hyperparameter> all, String seedKey) {
  /** Fixed columns of {@code runs} (SPEC §7) a hyperparameter column must not shadow. */
  static final List<String> RESERVED = List.of("run_id", "params", "n_checkpoints", "last_step",
      "final_loss", "diverged", "divergence_step", "n_shocks", "first_shock_step", "structure",
      SymmetryDegree.DIMENSION_KEY, SymmetryDegree.LOG_ORDER_KEY, "label", "features", "censor",
      "time", "cell");

  public HyperparameterColumns {
    all = List.copyOf(all);
  }

  /**
   * One hyperparameter.
   *
   * @param key      its name in the sweep's params
   * @param column   its column name in {@code runs}
   * @param numeric  whether every present value parses as a finite number
   * @param distinct number of distinct present values across the sweep
   * @param present  number of runs that have it
   */
  public record Hyperparameter(String key, String column, boolean numeric, int distinct,
                               long present) {
    public Hyperparameter {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(column, "column");
    }

    /** A hyperparameter whose value varies across the sweep (constants carry no signal). */
    public boolean varies() {
      return distinct > 1;
    }
  }

  /** The SQL-safe column name of a hyperparameter key. */
  public static String columnName(String key) {
    String c = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (c.isEmpty() || Character.isDigit(c.charAt(0))) {
      c = "hp_" + c;
    }
    return RESERVED.contains(c) ? "hp_" + c : c;
  }

  /** The hyperparameter with this key, or null. */
  public Hyperparameter byKey(String key) {
    for (Hyperparameter h : all) {
      if (h.key().equals(key)) {
        return h;
      }
    }
    return null;
  }

  /**
   * The columns that define a cell of the phase diagram: the requested keys when given,
   * otherwise every varying hyperparameter except the seed.
   */
  public List<String> cellColumns(List<String> requestedKeys) {
    List<String> out = new ArrayList<>();
    if (requestedKeys != null && !requestedKeys.isEmpty()) {
      for (String k : requestedKeys) {
        Hyperparameter h = byKey(k);
        if (h != null) {
          out.add(h.column());
        }
      }
      return out;
    }
    for (Hyperparameter h : all) {
      if (h.varies() && !h.key().equals(seedKey)) {
        out.add(h.column());
      }
    }
    return out;
  }

  /** Varying hyperparameters usable as model features (all but the seed). */
  public List<Hyperparameter> features() {
    List<Hyperparameter> out = new ArrayList<>();
    for (Hyperparameter h : all) {
      if (h.varies() && !h.key().equals(seedKey)) {
        out.add(h);
      }
    }
    return out;
  }
}
