package org.shockscope.spark;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.shockscope.ShockscopeException;

/**
 * Every option of the {@code analyze} job, resolved in one place with one precedence:
 * command-line option &gt; config file ({@code --config}, Java properties, keys
 * {@code shockscope.<option>}) &gt; Spark conf ({@code spark.shockscope.<option>}) &gt; default.
 * Keys starting with {@code spark.} in the config file are Spark settings and pass through to
 * the session. {@code conf/shockscope.properties} documents every key with its default.
 */
public final class AnalyzeSettings {
  /** Option keys and their defaults (null: no default). */
  static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("sweep", null);
    DEFAULTS.put("out", null);
    DEFAULTS.put("format", "");
    DEFAULTS.put("strict", "false");
    DEFAULTS.put("incremental", "false");
    DEFAULTS.put("group_by", "");
    DEFAULTS.put("lr_key", "lr");
    DEFAULTS.put("batch_key", "batch_size");
    DEFAULTS.put("momentum_key", "momentum");
    DEFAULTS.put("seed_key", "seed");
    DEFAULTS.put("loss_metric", "loss");
    DEFAULTS.put("model", "");
    DEFAULTS.put("segment_checkpoints", "16");
    DEFAULTS.put("report", "true");
    DEFAULTS.put("report_path", "");
    DEFAULTS.put("progress_seconds", "10");
    DEFAULTS.put("random_seed", "17");
    DEFAULTS.put("mlflow_tags", "false");
    DEFAULTS.put("forecast_horizons", org.shockscope.forecast.ForecastHorizons.DEFAULT);
    DEFAULTS.put("learned_forecasts", "false");
    DEFAULTS.put("watch", "");
    DEFAULTS.put("watch_for", "");
    DEFAULTS.put("alert_threshold", "0.5");
    DEFAULTS.put("webhook", "");
  }

  private final Map<String, String> values;
  private final Map<String, String> sparkConf;

  private AnalyzeSettings(Map<String, String> values, Map<String, String> sparkConf) {
    this.values = values;
    this.sparkConf = sparkConf;
  }

  /**
   * Resolves the settings.
   *
   * @param cli        options given on the command line (key → value), highest precedence
   * @param configFile a properties file, or null
   * @param sparkConf  the Spark conf visible to the job ({@code spark.shockscope.*} read)
   */
  public static AnalyzeSettings resolve(Map<String, String> cli, Path configFile,
                                        Map<String, String> sparkConf) {
    Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
    Map<String, String> passThrough = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : sparkConf.entrySet()) {
      if (e.getKey().startsWith("spark.shockscope.")) {
        put(v, e.getKey().substring("spark.shockscope.".length()), e.getValue(), "Spark conf");
      }
    }
    if (configFile != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new ShockscopeException("Cannot read config file " + configFile + ": " + e, e);
      }
      for (String k : p.stringPropertyNames()) {
        if (k.startsWith("shockscope.")) {
          put(v, k.substring("shockscope.".length()), p.getProperty(k).trim(), configFile.toString());
        } else if (k.startsWith("spark.")) {
          passThrough.put(k, p.getProperty(k).trim());
        } else {
          throw new ShockscopeException("Config file " + configFile + ": unknown key '" + k
              + "' (keys are shockscope.<option> or spark.<setting>)");
        }
      }
    }
    for (Map.Entry<String, String> e : cli.entrySet()) {
      if (e.getValue() != null) {
        put(v, e.getKey(), e.getValue(), "command line");
      }
    }
    return new AnalyzeSettings(v, passThrough);
  }

  private static void put(Map<String, String> v, String key, String value, String where) {
    if (!DEFAULTS.containsKey(key)) {
      throw new ShockscopeException("Unknown option '" + key + "' in " + where + "; known: "
          + String.join(", ", DEFAULTS.keySet()));
    }
    v.put(key, value);
  }

  private String required(String key) {
    String s = values.get(key);
    if (s == null || s.isBlank()) {
      throw new ShockscopeException("Missing option --" + key.replace('_', '-'));
    }
    return s;
  }

  private boolean flag(String key) {
    String s = values.get(key).trim().toLowerCase(java.util.Locale.ROOT);
    if (!s.equals("true") && !s.equals("false")) {
      throw new ShockscopeException("Option " + key + " must be true or false, got '" + s + "'");
    }
    return s.equals("true");
  }

  private int positiveInt(String key) {
    try {
      int i = Integer.parseInt(values.get(key).trim());
      if (i <= 0) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new ShockscopeException("Option " + key + " must be a positive integer, got '"
          + values.get(key) + "'");
    }
  }

  private String optional(String key) {
    String s = values.get(key);
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** The sweep folder URI. */
  public String sweep() {
    return required("sweep");
  }

  /** The output: a folder URI or a catalog namespace ({@link OutputTarget}). */
  public String out() {
    return required("out");
  }

  /**
   * Output table format, or null when not set: Parquet for an output folder, Delta for a
   * catalog namespace.
   */
  public TableStore.Format format() {
    String s = optional("format");
    return s == null ? null : TableStore.Format.parse(s);
  }

  /** Fail (exit non-zero) when any input is bad, instead of quarantining it. */
  public boolean strict() {
    return flag("strict");
  }

  /**
   * Process only checkpoints and runs that are new since the last run over the same output;
   * always with {@link #watch()}, whose cycles are incremental.
   */
  public boolean incremental() {
    return flag("incremental") || watch() != null;
  }

  /** Hyperparameter keys that define a phase cell; empty: all varying ones but the seed. */
  public List<String> groupBy() {
    List<String> out = new ArrayList<>();
    for (String s : values.get("group_by").split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /** Hyperparameter key of the learning rate. */
  public String lrKey() {
    return required("lr_key");
  }

  /** Hyperparameter key of the batch size. */
  public String batchKey() {
    return required("batch_key");
  }

  /** Hyperparameter key of the momentum. */
  public String momentumKey() {
    return required("momentum_key");
  }

  /** Hyperparameter key of the seed (excluded from cells). */
  public String seedKey() {
    return required("seed_key");
  }

  /** Metric whose last value is the run's final loss. */
  public String lossMetric() {
    return required("loss_metric");
  }

  /** Model structure override (preset name or JSON), or null to use sweep.json / inference. */
  public String model() {
    return optional("model");
  }

  /** Consecutive checkpoints of a run handled by one task (bounds re-reads at task edges). */
  public int segmentCheckpoints() {
    return positiveInt("segment_checkpoints");
  }

  /** Whether to write report/index.html. */
  public boolean report() {
    return flag("report");
  }

  /**
   * Where the report page goes (any Hadoop URI), or null: {@code OUT/report/index.html} for an
   * output folder; not written for a catalog namespace, which has no folder.
   */
  public String reportPath() {
    return optional("report_path");
  }

  /** Seconds between progress lines (a decimal: 0.2 for five lines a second). */
  public double progressSeconds() {
    String v = values.get("progress_seconds");
    try {
      double s = Double.parseDouble(v.trim());
      if (!(s >= 0.01) || Double.isInfinite(s)) {
        throw new NumberFormatException();
      }
      return s;
    } catch (NumberFormatException e) {
      throw new ShockscopeException("Option progress_seconds must be a number of seconds, at "
          + "least 0.01, got '" + v + "'");
    }
  }

  /** Seed of randomised models (random forest). */
  public long randomSeed() {
    return Long.parseLong(values.get("random_seed").trim());
  }

  /**
   * Whether the forecasts table also gets the learned method's rows ({@link LearnedForecasts}):
   * off by default, since its MLlib fits (5 folds × 2 targets, a Spark job per L-BFGS iteration)
   * add tens of seconds to every job, and on the lab's sweeps it does not beat the precursor.
   */
  public boolean learnedForecasts() {
    return flag("learned_forecasts");
  }

  /** Whether to write each analysed run's results as tags of its MLflow file-store run. */
  public boolean mlflowTags() {
    return flag("mlflow_tags");
  }

  /**
   * Horizons of the {@code forecasts} table: steps ({@code 500}) or checkpoint intervals of each
   * run ({@code 5ckpt}), comma-separated; default {@value
   * org.shockscope.forecast.ForecastHorizons#DEFAULT}.
   */
  public org.shockscope.forecast.ForecastHorizons forecastHorizons() {
    try {
      return org.shockscope.forecast.ForecastHorizons.parse(required("forecast_horizons"));
    } catch (IllegalArgumentException e) {
      throw new ShockscopeException("Option forecast_horizons: " + e.getMessage(), e);
    }
  }

  /**
   * Interval between the cycles of {@code analyze --watch} ({@link DurationText}), or null when
   * the job runs once.
   */
  public java.time.Duration watch() {
    return duration("watch");
  }

  /** How long {@code --watch} runs before it stops by itself, or null: until interrupted. */
  public java.time.Duration watchFor() {
    return duration("watch_for");
  }

  private java.time.Duration duration(String key) {
    String s = optional(key);
    if (s == null) {
      return null;
    }
    try {
      return DurationText.parse("Option " + key, s);
    } catch (IllegalArgumentException e) {
      throw new ShockscopeException(e.getMessage(), e);
    }
  }

  /**
   * The forecast probability at or above which the watcher alerts, in (0, 1]; default 0.5
   * ({@link org.shockscope.forecast.AlertRule}).
   */
  public double alertThreshold() {
    String s = values.get("alert_threshold").trim();
    try {
      double p = Double.parseDouble(s);
      if (p > 0 && p <= 1) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    throw new ShockscopeException("Option alert_threshold must be a probability in (0, 1], got '"
        + s + "'");
  }

  /** The URL the watcher POSTs its alerts to (http or https), or null. */
  public java.net.URI webhook() {
    String s = optional("webhook");
    if (s == null) {
      return null;
    }
    try {
      java.net.URI u = new java.net.URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return u;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below with the value
    }
    throw new ShockscopeException("Option webhook must be an http:// or https:// URL, got '"
        + s + "'");
  }

  /** Spark settings from the config file, applied to the session. */
  public Map<String, String> sparkSettings() {
    return Map.copyOf(sparkConf);
  }
}
