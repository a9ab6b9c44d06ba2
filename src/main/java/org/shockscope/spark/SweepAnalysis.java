package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.shockscope.ErrorRecord;
import org.shockscope.ShockscopeException;
import org.shockscope.report.ReportCollector;
import org.shockscope.report.ReportOptions;
import org.shockscope.report.TableCounts;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.sweep.CheckpointRef;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepDiscovery;
import org.shockscope.symmetry.SymmetryDegree;
import scala.Tuple2;

/**
 * The {@code analyze} job: sweep → tables (SPEC §3–§7).
 *
 * <ol>
 *   <li>Discovery on the driver lists runs, hyperparameters, metrics and checkpoint files (no
 *       tensor is read there).</li>
 *   <li>Each run's checkpoints are cut into {@link CheckpointSegment}s, spread over partitions
 *       by bytes ({@link SegmentBalancer}), and reduced on the executors by
 *       {@link CheckpointReducer}: tensors are read there, one checkpoint (plus its predecessor)
 *       in memory at a time, and only observables leave the executor.</li>
 *   <li>Observables and metrics are grouped by run and scanned for shocks
 *       ({@link RunDetection}).</li>
 *   <li>The runs table is assembled and the sweep statistics and models computed
 *       ({@link PhaseAggregation}, {@link PhaseModels}).</li>
 *   <li>Every table is written through {@link TableStore}, replacing by run.</li>
 * </ol>
 */
public final class SweepAnalysis {
  /**
   * Run-level summary printed at the end of the job.
   *
   * @param warnings values the job could not use where a number was needed (a temperature
   *                 with batch size 0, a model the values cannot support): the job completed
   *                 with NULLs or empty tables there
   * @param reduced  checkpoints read and reduced by this job (the others were unchanged since
   *                 an earlier job, or taken from committed state)
   * @param reused   what was taken from committed state instead of being computed again, or
   *                 null
   */
  public record Summary(String sweep, String layout, long runs, long checkpoints,
                        long observables, long shocks, long transitions, long diverged,
                        long errors, String out, String report, Duration elapsed,
                        List<String> warnings, long reduced, String reused) {
    public Summary {
      warnings = List.copyOf(warnings);
    }
  }

  private final SparkSession spark;
  private final AnalyzeSettings settings;
  private final PrintStream console;

  /** The job's choice of expression evaluation, restored when the job ends. */
  private SmallSweepCodegen codegen;

  public SweepAnalysis(SparkSession spark, AnalyzeSettings settings, PrintStream console) {
    this.spark = spark;
    this.settings = settings;
    this.console = console;
  }

  /** Runs the analysis and returns its summary; throws {@link ShockscopeException} if it cannot. */
  public Summary run() {
    return run(null);
  }

  /**
   * Runs the analysis of a sweep the caller has just discovered (the watcher, which discovers
   * it to see whether anything changed), instead of listing the sweep's folders again.
   *
   * @param discovered the sweep of {@code settings.sweep()} as discovered, or null to discover
   */
  public Summary run(Sweep discovered) {
    try (JobProgress progress = new JobProgress(spark, console, settings.progressSeconds())) {
      return run(progress, discovered);
    } finally {
      if (codegen != null) {
        codegen.close();
        codegen = null;
      }
    }
  }

  private Summary run(JobProgress progress, Sweep discovered) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    progress.stage("discovery");
    TableStore store = new TableStore(spark, settings.out(), settings.format());
    Sweep sweep = discovered != null ? discovered
        : SweepDiscovery.discover(settings.sweep(), hadoop);
    if (sweep.runs().isEmpty()) {
      throw new ShockscopeException("No runs found in sweep " + settings.sweep() + " ("
          + sweep.layout() + " layout, " + sweep.errors().size() + " unusable inputs)");
    }
    failIfStrict(sweep.errors().size(), "discovery");
    long nCheckpoints = sweep.runs().stream().mapToLong(r -> r.checkpoints().size()).sum();
    progress.totals(nCheckpoints, sweep.runs().size());
    console.printf("[shockscope] %s sweep %s: %d runs, %d checkpoints, %d unusable inputs%n",
        sweep.layout().name().toLowerCase(java.util.Locale.ROOT), sweep.uri(),
        sweep.runs().size(), nCheckpoints, sweep.errors().size());
    console.printf("[shockscope] linear algebra: %s%n", CheckpointReducer.backend());
    codegen = SmallSweepCodegen.choose(spark, nCheckpoints);
    if (codegen.applied()) {
      console.printf("[shockscope] expressions interpreted, not compiled (%d checkpoints <= %d: "
          + "%s=NO_CODEGEN for this job)%n", nCheckpoints, SmallSweepCodegen.MAX_CHECKPOINTS,
          SmallSweepCodegen.FACTORY_MODE);
    }
    InputFingerprints now = InputFingerprints.of(sweep);
    InputFingerprints before = settings.incremental() ? InputFingerprints.read(store) : null;
    Sweep full = sweep;
    Map<String, java.util.Set<Long>> stale = null;
    if (before != null) {
      stale = new HashMap<>();
      List<RunInfo> changed = new ArrayList<>();
      for (RunInfo r : sweep.runs()) {
        if (!now.unchanged(r.runId(), before)) {
          changed.add(r);
          stale.put(r.runId(), new java.util.HashSet<>(now.stale(r, before)));
        }
      }
      long n = stale.values().stream().mapToLong(java.util.Set::size).sum();
      console.printf("[shockscope] incremental: %d of %d runs new or changed, %d checkpoints "
          + "to reduce%n", changed.size(), sweep.runs().size(), n);
      sweep = new Sweep(sweep.uri(), sweep.layout(), sweep.name(), sweep.modelJson(),
          sweep.groupBy(), changed, sweep.errors());
      progress.totals(n, changed.size());
      if (changed.isEmpty() && store.exists(Tables.RUNS)) {
        now.write(spark, store);
        progress.stage("done");
        return summarise(totals(store), store, full, nCheckpoints, null, progress, List.of(),
            null);
      }
    }

    progress.stage("reducing checkpoints");
    String model = settings.model() != null ? settings.model() : sweep.modelJson();
    // runs whose reduction an earlier, unfinished job committed are not reduced again
    ReductionState state = new ReductionState(spark, store);
    Map<String, String> commitKeys = ReductionState.keys(sweep.runs(), stale, model, now);
    java.util.Set<String> resumedRuns = new java.util.TreeSet<>();
    Dataset<Row> resumed = state.committed(commitKeys, resumedRuns);
    String reused = null;
    Sweep toReduce = sweep;
    if (resumed != null) {
      toReduce = new Sweep(sweep.uri(), sweep.layout(), sweep.name(), sweep.modelJson(),
          sweep.groupBy(), ReductionState.remaining(sweep.runs(), resumedRuns), sweep.errors());
      long n = 0;
      for (RunInfo r : sweep.runs()) {
        if (resumedRuns.contains(r.runId())) {
          n += stale == null ? r.checkpoints().size() : stale.get(r.runId()).size();
        }
      }
      reused = n + " reduced checkpoints of " + resumedRuns.size() + " runs from "
          + store.location(ReductionState.TABLE) + " (committed by an earlier job that did not "
          + "finish)";
      console.printf("[shockscope] resuming: %s%n", reused);
      progress.totals(nCheckpointsOf(toReduce, stale), toReduce.runs().size());
    }
    Dataset<Row> fresh = reduce(toReduce, stale, model, hadoop, progress);
    Dataset<Row> reduced = state.commit(resumed == null ? fresh
        : fresh.unionByName(resumed), commitKeys);
    Dataset<Row> observables = reduced.filter(col("kind").equalTo(CheckpointReducer.OBSERVABLE))
        .select(col("run_id"), col("step"), col("group"), col("name"), col("value"));
    Dataset<Row> spectra = reduced.filter(col("kind").equalTo(CheckpointReducer.SPECTRUM))
        .select(col("run_id"), col("step"), col("group"), col("name").as("matrix"), col("sv"));
    Dataset<Row> structures = reduced.filter(col("kind").equalTo(CheckpointReducer.STRUCTURE))
        .select(col("run_id"), col("message").as("structure"));
    Dataset<Row> readErrors = reduced.filter(col("kind").equalTo(CheckpointReducer.ERROR))
        .select(col("source"), col("run_id"), col("step"), col("stage"), col("error"),
            col("message"));
    if (before != null) {
      // the changed runs' observables of checkpoints that were not reduced again are reused
      Dataset<Row> keys = recomputedKeys(sweep, stale);
      Dataset<Row> present = checkpointKeys(sweep);
      observables = observables.unionByName(previousRows(store, Tables.OBSERVABLES, keys,
          present));
      spectra = spectra.unionByName(previousRows(store, Tables.SPECTRA, keys, present));
      Dataset<Row> oldRuns = store.read(Tables.RUNS);
      if (oldRuns != null) {
        Dataset<Row> oldStructures = oldRuns.select(col("run_id"), col("structure"))
            .join(structures.select("run_id"), "run_id", "left_anti")
            .join(present.select("run_id").distinct(), "run_id", "left_semi");
        structures = structures.unionByName(oldStructures);
      }
    }
    if (settings.strict()) {
      // two Spark jobs over the reduction's output: only --strict needs the number here (the
      // errors table and the closing summary count the errors anyway)
      failIfStrict(readErrors.count(), "checkpoint reduction");
    }

    progress.stage("detecting shocks");
    Dataset<Row> metrics = metricsFrame(sweep);
    Dataset<Row> series = observables.filter(not(col("name").isin(RunDetection.RAW.toArray())))
        .select(col("run_id"), col("name").as("series"), col("group"), col("step"),
            col("value"))
        .unionByName(metrics.select(col("run_id"), col("name").as("series"),
            lit(null).cast("string").as("group"), col("step"), col("value")))
        .unionByName(RunDetection.modeSeries(spectra, RunDetection.DEFAULT_MODES));
    Dataset<Row> detected = RunDetection.detect(series, DetectorConfig.DEFAULTS,
        settings.forecastHorizons(), settings.learnedForecasts(), progress.runs())
        // cached, not checkpointed locally: a local checkpoint's blocks die with their executor
        // and cannot be recomputed (StandaloneClusterTest kills every executor while tables are
        // written), a cache is recomputed from its lineage
        .persist(StorageLevel.MEMORY_AND_DISK());
    detected.count();
    Dataset<Row> shocks = RunDetection.shocks(detected);
    Dataset<Row> transitions = RunDetection.transitions(detected);
    Dataset<Row> fronts = RunDetection.fronts(detected);

    HyperparameterColumns hps = hyperparameters(full);
    Dataset<Row> runs = runsTable(spark, sweep, hps, settings.lossMetric(), shocks,
        transitions, structures);

    progress.stage("writing tables");
    Dataset<Row> runIds = runs.select("run_id");
    List<ErrorRecord> discoveryErrors = discoveryErrors(full, sweep);
    Dataset<Row> errors = errorsFrame(spark, discoveryErrors).unionByName(readErrors)
        .unionByName(RunDetection.errors(detected));
    Dataset<Row> oldErrors = store.read(Tables.ERRORS);
    if (oldErrors != null) {
      // the watcher's own errors (a webhook that failed) belong to no input: every analysis
      // keeps them (materialised: the table's folder is replaced below)
      errors = errors.unionByName(oldErrors.filter(col("stage").equalTo(AlertWebhook.STAGE))
          .select(errors.columns()[0], java.util.Arrays.copyOfRange(errors.columns(), 1,
              errors.columns().length)).localCheckpoint(true));
    }
    Dataset<Row> forecasts = forecasts(detected);
    Dataset<Row> errorRuns = runIds.unionByName(errorOnlyRuns(full, discoveryErrors));
    Dataset<Row> allErrors = errors;
    Dataset<Row> allObservables = observables;
    Dataset<Row> allSpectra = spectra;
    new ParallelActions()
        .add(() -> store.replaceRuns(Tables.OBSERVABLES, allObservables, runIds))
        .add(() -> store.replaceRuns(Tables.SPECTRA, allSpectra, runIds))
        .add(() -> store.replaceRuns(Tables.SHOCKS, shocks, runIds))
        .add(() -> store.replaceRuns(Tables.TRANSITIONS, transitions, runIds))
        .add(() -> store.replaceRuns(Tables.FRONTS, fronts, runIds))
        .add(() -> store.replaceRuns(Tables.FORECASTS, forecasts, runIds))
        .add(() -> store.replaceRuns(Tables.RUNS, runs, runIds))
        .add(() -> store.replaceRuns(Tables.ERRORS, allErrors, errorRuns))
        .run();

    // the sweep statistics cover every run of the output, including runs kept from earlier
    // jobs, so they are computed once, from the tables as written
    List<String> cells = hps.cellColumns(settings.groupBy().isEmpty() ? sweep.groupBy()
        : settings.groupBy());
    List<String> warnings = new ArrayList<>(
        new SweepAggregation(spark, store, hps, settings).write(cells, progress::stage));
    if (settings.mlflowTags()) {
      progress.stage("tagging MLflow runs");
      // the tag names the tables anywhere: a namespace as it is, a folder with its scheme
      warnings.addAll(MlflowRunTags.write(full, runs, store.inCatalog() ? store.root()
          : MlflowRunTags.qualified(store.root(), hadoop), hadoop));
    }

    // counted once, for the closing summary and the report's
    Totals totals = totals(store);
    String report = null;
    if (settings.report() && settings.reportPath() == null && store.inCatalog()) {
      warnings.add("report not written: the tables are in catalog namespace " + store.root()
          + ", which has no folder for it; give --report FILE (shockscope.report_path)");
    } else if (settings.report()) {
      progress.stage("writing report");
      ReportOptions d = ReportOptions.defaults();
      ReportOptions opts = new ReportOptions("shockscope: " + sweep.name(), settings.lrKey(),
          settings.batchKey(), settings.momentumKey(), settings.seedKey(), settings.lossMetric(),
          d.galleryObservables(), d.galleryRuns(), d.scatterPoints(), d.boxCells(),
          d.boundaryCells(), d.errorRows());
      report = settings.reportPath() != null ? settings.reportPath()
          : store.root() + "/report/index.html";
      try {
        Map<String, Dataset<Row>> written = new HashMap<>();
        for (String t : ReportCollector.tables()) {
          written.put(t, store.read(t));
        }
        ReportCollector.write(spark, ReportCollector.collect(spark, store.root(), written,
            totals.tables(), metrics, opts), report);
      } catch (RuntimeException e) {
        // the tables are written and complete: a page that cannot be drawn must not undo them
        warnings.add("report not written: " + e);
        report = null;
      }
    }
    now.write(spark, store);
    state.clear();
    detected.unpersist();
    progress.stage("done");
    return summarise(totals, store, full, nCheckpoints, report, progress, warnings, reused);
  }

  /**
   * The forecasts table: the precursor's rows and, with option learned_forecasts, beside them
   * the learned forecaster's ({@link LearnedForecasts}) or a line on the console saying why
   * there are none.
   */
  private Dataset<Row> forecasts(Dataset<Row> detected) {
    Dataset<Row> precursor = RunDetection.forecasts(detected);
    if (!settings.learnedForecasts()) {
      return precursor;
    }
    LearnedForecasts.Result learned = LearnedForecasts.forecast(spark,
        RunDetection.examples(detected));
    console.printf("[shockscope] %s%n", learned.note());
    return learned.forecasts() == null ? precursor
        : precursor.unionByName(learned.forecasts());
  }

  /** Counts of the tables as written: the closing summary's, and the report's. */
  private record Totals(long runs, long diverged, long observables, TableCounts tables) {}

  private static Totals totals(TableStore store) {
    // five small queries of the tables as written, side by side (a Spark job each)
    ParallelActions queries = new ParallelActions();
    var counts = queries.add(() -> store.read(Tables.RUNS).agg(count(lit(1)),
        org.apache.spark.sql.functions.sum(when(col("diverged"), 1).otherwise(0))).first());
    var observables = queries.add(() -> store.read(Tables.OBSERVABLES).count());
    var shocks = queries.add(() -> ReportCollector.shocksByKind(store.read(Tables.SHOCKS)));
    var transitions = queries.add(() -> store.read(Tables.TRANSITIONS).count());
    var errors = queries.add(() -> store.read(Tables.ERRORS).count());
    queries.run();
    Row c = counts.get();
    return new Totals(c.getLong(0), c.isNullAt(1) ? 0 : c.getLong(1), observables.get(),
        new TableCounts(shocks.get(), transitions.get(), errors.get()));
  }

  private Summary summarise(Totals t, TableStore store, Sweep sweep, long nCheckpoints,
                            String report, JobProgress progress, List<String> warnings,
                            String reused) {
    return new Summary(sweep.uri(), sweep.layout().name(), t.runs(), nCheckpoints,
        t.observables(), t.tables().shocks(), t.tables().transitions(), t.diverged(),
        t.tables().errors(), store.root(), report, progress.elapsed(), warnings,
        progress.checkpoints().value(), reused);
  }

  /**
   * The discovery errors this job writes: those of the runs it analyses, those of no run, and
   * those of inputs that are no run of the sweep (a run folder discovery could not use). The
   * errors of runs an incremental job leaves alone stay as an earlier job wrote them.
   */
  private static List<ErrorRecord> discoveryErrors(Sweep full, Sweep analysed) {
    java.util.Set<String> all = new java.util.HashSet<>();
    full.runs().forEach(r -> all.add(r.runId()));
    java.util.Set<String> now = new java.util.HashSet<>();
    analysed.runs().forEach(r -> now.add(r.runId()));
    List<ErrorRecord> out = new ArrayList<>();
    for (ErrorRecord e : analysed.errors()) {
      if (e.runId() == null || !all.contains(e.runId()) || now.contains(e.runId())) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The run_ids whose errors are replaced besides the analysed runs': null (errors of no run)
   * and the ids of errors that name no run of the sweep, which every job reports afresh.
   */
  private Dataset<Row> errorOnlyRuns(Sweep full, List<ErrorRecord> errors) {
    java.util.Set<String> runs = new java.util.HashSet<>();
    full.runs().forEach(r -> runs.add(r.runId()));
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (ErrorRecord e : errors) {
      if (e.runId() != null && !runs.contains(e.runId())) {
        ids.add(e.runId());
      }
    }
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create((Object) null));
    ids.forEach(id -> rows.add(RowFactory.create(id)));
    return spark.createDataFrame(rows, new StructType().add("run_id", DataTypes.StringType));
  }

  private static long nCheckpointsOf(Sweep work, Map<String, java.util.Set<Long>> stale) {
    long n = 0;
    for (RunInfo r : work.runs()) {
      n += stale == null ? r.checkpoints().size() : stale.get(r.runId()).size();
    }
    return n;
  }

  static final StructType KEY_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false).add("step", DataTypes.LongType, false);

  /** (run_id, step) of the checkpoints reduced again in this incremental run. */
  private Dataset<Row> recomputedKeys(Sweep work, Map<String, java.util.Set<Long>> stale) {
    List<Row> rows = new ArrayList<>();
    stale.forEach((run, steps) -> steps.forEach(s -> rows.add(RowFactory.create(run, s))));
    return spark.createDataFrame(rows, KEY_SCHEMA);
  }

  /** (run_id, step) of every checkpoint of the runs being written. */
  private Dataset<Row> checkpointKeys(Sweep work) {
    List<Row> rows = new ArrayList<>();
    for (RunInfo r : work.runs()) {
      for (CheckpointRef c : r.checkpoints()) {
        rows.add(RowFactory.create(r.runId(), c.step()));
      }
    }
    return spark.createDataFrame(rows, KEY_SCHEMA);
  }

  /** A table's earlier rows of still-present checkpoints that were not reduced again. */
  private static Dataset<Row> previousRows(TableStore store, String table, Dataset<Row> recomputed,
                                           Dataset<Row> present) {
    Dataset<Row> old = store.read(table);
    if (old == null) {
      return present.sparkSession().createDataFrame(List.of(), table.equals(Tables.SPECTRA)
          ? Tables.SPECTRA_SCHEMA : Tables.OBSERVABLES_SCHEMA);
    }
    // materialised: the table's folder is replaced later in this job
    scala.collection.immutable.Seq<String> key =
        scala.jdk.javaapi.CollectionConverters.asScala(List.of("run_id", "step")).toSeq();
    return old.join(present, key, "left_semi").join(recomputed, key, "left_anti")
        .localCheckpoint(true);
  }

  private static Column not(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }

  private void failIfStrict(long errors, String stage) {
    if (settings.strict() && errors > 0) {
      throw new ShockscopeException("--strict: " + errors + " unusable input(s) found during "
          + stage + "; run without --strict to quarantine them in the errors table");
    }
  }

  /** Cuts runs into segments, balances them over partitions and reduces them on executors. */
  private Dataset<Row> reduce(Sweep sweep, Map<String, java.util.Set<Long>> stale, String model,
                              Configuration hadoop, JobProgress progress) {
    List<CheckpointSegment> segments = new ArrayList<>();
    for (RunInfo run : sweep.runs()) {
      // consecutive stretches of the checkpoints to reduce, each cut into segments; a segment
      // starting mid-run re-reads its predecessor for the motion observables
      List<List<CheckpointSegment.Item>> parts = new ArrayList<>();
      List<CheckpointSegment.Item> prevOf = new ArrayList<>();
      List<CheckpointSegment.Item> stretch = new ArrayList<>();
      CheckpointSegment.Item last = null;
      CheckpointSegment.Item stretchPrev = null;
      for (CheckpointRef c : run.checkpoints()) {
        CheckpointSegment.Item item = new CheckpointSegment.Item(c.step(), c.files(), c.bytes());
        boolean wanted = stale == null || stale.get(run.runId()).contains(c.step());
        if (wanted) {
          if (stretch.isEmpty()) {
            stretchPrev = last;
          }
          stretch.add(item);
        } else if (!stretch.isEmpty()) {
          addChunks(stretch, stretchPrev, parts, prevOf);
          stretch = new ArrayList<>();
        }
        last = item;
      }
      if (!stretch.isEmpty()) {
        addChunks(stretch, stretchPrev, parts, prevOf);
      }
      for (int i = 0; i < parts.size(); i++) {
        CheckpointSegment.Item prev = prevOf.get(i);
        long bytes = parts.get(i).stream().mapToLong(CheckpointSegment.Item::bytes).sum()
            + (prev == null ? 0 : prev.bytes());
        int index = prev == null ? 0 : i + 1;
        segments.add(new CheckpointSegment(run.runId(), index, prev, List.copyOf(parts.get(i)),
            model, run.configJson(), run.params().get("activation"), bytes));
      }
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = Math.max(1, Math.min(segments.size(), 3 * jsc.defaultParallelism()));
    long[] bytes = segments.stream().mapToLong(CheckpointSegment::bytes).toArray();
    int[] assignment = SegmentBalancer.assign(bytes, partitions);
    List<Tuple2<Integer, CheckpointSegment>> keyed = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      keyed.add(new Tuple2<>(assignment[i], segments.get(i)));
    }
    // broadcast, not captured: a task deserialises its closure, and a Hadoop configuration
    // inflates each of its ~1,000 entries one by one (~90 ms of CPU per task on 2 cores)
    Broadcast<SerializableConfiguration> conf = jsc.broadcast(
        new SerializableConfiguration(hadoop));
    var checkpointsDone = progress.checkpoints();
    JavaRDD<Row> rows = JavaPairRDD.fromJavaRDD(jsc.parallelize(keyed, partitions))
        .partitionBy(new ExactPartitioner(partitions))
        .values()
        .mapPartitions(it -> CheckpointReducer.reduce(it, conf.value().value(),
            checkpointsDone));
    return spark.createDataFrame(rows, CheckpointReducer.SCHEMA);
  }

  private void addChunks(List<CheckpointSegment.Item> stretch, CheckpointSegment.Item before,
                         List<List<CheckpointSegment.Item>> parts,
                         List<CheckpointSegment.Item> prevOf) {
    CheckpointSegment.Item prev = before;
    for (List<CheckpointSegment.Item> chunk
        : SegmentBalancer.chunks(stretch, settings.segmentCheckpoints())) {
      parts.add(chunk);
      prevOf.add(prev);
      prev = chunk.get(chunk.size() - 1);
    }
  }

  /** Maps an integer key to the partition of the same number. */
  static final class ExactPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int n;

    ExactPartitioner(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ExactPartitioner p && p.n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }

  static final StructType METRICS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false).add("name", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, false).add("value", DataTypes.DoubleType, true);

  Dataset<Row> metricsFrame(Sweep sweep) {
    List<Row> rows = new ArrayList<>();
    for (RunInfo run : sweep.runs()) {
      for (MetricSeries m : run.metrics().values()) {
        for (int i = 0; i < m.size(); i++) {
          rows.add(RowFactory.create(run.runId(), m.name(), m.steps()[i], m.values()[i]));
        }
      }
    }
    return spark.createDataFrame(rows, METRICS_SCHEMA);
  }

  /** The {@code errors} table's rows ({@link Tables#ERRORS_SCHEMA}) of {@code errors}. */
  static Dataset<Row> errorsFrame(SparkSession spark, List<ErrorRecord> errors) {
    List<Row> rows = new ArrayList<>();
    for (ErrorRecord e : errors) {
      rows.add(RowFactory.create(e.source(), e.runId(), e.step(), e.stage(), e.error(),
          e.message()));
    }
    return spark.createDataFrame(rows, Tables.ERRORS_SCHEMA);
  }

  /** Types the sweep's hyperparameters: numeric where every present value is a number. */
  static HyperparameterColumns hyperparameters(Sweep sweep, String seedKey) {
    Map<String, Boolean> numeric = new LinkedHashMap<>();
    Map<String, java.util.Set<String>> distinct = new HashMap<>();
    Map<String, Long> present = new HashMap<>();
    for (RunInfo run : sweep.runs()) {
      for (Map.Entry<String, String> e : new TreeMap<>(run.params()).entrySet()) {
        if (e.getKey().startsWith("mlflow.")) {
          // MLflow bookkeeping (the run uuid), not a hyperparameter
          continue;
        }
        numeric.merge(e.getKey(), run.numericParams().containsKey(e.getKey()), Boolean::logicalAnd);
        distinct.computeIfAbsent(e.getKey(), k -> new java.util.HashSet<>()).add(e.getValue());
        present.merge(e.getKey(), 1L, Long::sum);
      }
    }
    List<HyperparameterColumns.Hyperparameter> all = new ArrayList<>();
    java.util.Set<String> used = new java.util.HashSet<>();
    for (String k : numeric.keySet()) {
      String c = HyperparameterColumns.columnName(k);
      while (!used.add(c)) {
        c = c + "_";
      }
      all.add(new HyperparameterColumns.Hyperparameter(k, c, numeric.get(k),
          distinct.get(k).size(), present.get(k)));
    }
    return new HyperparameterColumns(all, seedKey);
  }

  private HyperparameterColumns hyperparameters(Sweep sweep) {
    return hyperparameters(sweep, settings.seedKey());
  }

  /**
   * The runs table: discovery facts, typed hyperparameters, metrics and shock counts, built
   * once on the driver. The discovery facts and metrics are there already; the shock facts of
   * every run are one small aggregate (a row per run) and the structures one row per run, so
   * the table is a local relation written by one Spark job, instead of a plan of joins and
   * aggregates that each table reading it evaluated again.
   *
   * @param loss        the loss metric's name ({@code final_loss}), or null
   * @param shocks      the shocks of the runs (SHOCKS_SCHEMA)
   * @param transitions the transitions of the runs (TRANSITIONS_SCHEMA)
   * @param structures  (run_id, structure), at most one row per run
   */
  static Dataset<Row> runsTable(SparkSession spark, Sweep sweep, HyperparameterColumns hps,
                                String loss, Dataset<Row> shocks, Dataset<Row> transitions,
                                Dataset<Row> structures) {
    StructType schema = new StructType().add("run_id", DataTypes.StringType, false)
        .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    for (HyperparameterColumns.Hyperparameter h : hps.all()) {
      schema = schema.add(h.column(), h.numeric() ? DataTypes.DoubleType : DataTypes.StringType);
    }
    schema = schema.add("n_checkpoints", DataTypes.IntegerType, false)
        .add("last_step", DataTypes.LongType, true)
        .add("final_loss", DataTypes.DoubleType, true)
        .add("diverged", DataTypes.BooleanType, false)
        .add("divergence_step", DataTypes.LongType, true)
        .add("n_shocks", DataTypes.IntegerType, false)
        .add("first_shock_step", DataTypes.LongType, true)
        .add("structure", DataTypes.StringType, true)
        .add("symmetry_dim", DataTypes.LongType, true)
        .add("symmetry_log_order", DataTypes.DoubleType, true);
    // per run: transitions that are not divergences (count, first step), first divergence
    Map<String, Row> facts = new HashMap<>();
    for (Row r : transitions.filter(col("kind").notEqual("divergence"))
        .select(col("run_id"), lit(1L).as("_t"), col("step").as("_first"),
            lit(null).cast("long").as("_div"))
        .unionByName(shocks.filter(col("kind").equalTo("divergence"))
            .select(col("run_id"), lit(0L).as("_t"), lit(null).cast("long").as("_first"),
                col("step").as("_div")))
        .groupBy("run_id").agg(org.apache.spark.sql.functions.sum("_t"), min("_first"),
            min("_div"))
        .collectAsList()) {
      facts.put(r.getString(0), r);
    }
    Map<String, String> structureOf = new HashMap<>();
    for (Row r : structures.collectAsList()) {
      structureOf.put(r.getString(0), r.getString(1));
    }
    List<RunInfo> ordered = new ArrayList<>(sweep.runs());
    // Spark's string order: unsigned UTF-8 bytes
    ordered.sort((a, b) -> java.util.Arrays.compareUnsigned(
        a.runId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.runId().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    List<Row> rows = new ArrayList<>();
    for (RunInfo run : ordered) {
      List<Object> v = new ArrayList<>();
      v.add(run.runId());
      v.add(scala.jdk.javaapi.CollectionConverters.asScala(run.params()));
      for (HyperparameterColumns.Hyperparameter h : hps.all()) {
        v.add(h.numeric() ? run.numericParams().get(h.key()) : run.params().get(h.key()));
      }
      v.add(run.checkpoints().size());
      Long lastCheckpoint = run.checkpoints().isEmpty() ? null
          : run.checkpoints().get(run.checkpoints().size() - 1).step();
      // the last metric step of any metric; the loss at its own last step (the first of a
      // repeated last step)
      Long lastMetric = null;
      Long lossStep = null;
      Double finalLoss = null;
      for (MetricSeries m : run.metrics().values()) {
        boolean isLoss = m.name().equals(loss);
        for (int i = 0; i < m.size(); i++) {
          long step = m.steps()[i];
          lastMetric = lastMetric == null ? step : Math.max(lastMetric, step);
          if (isLoss && (lossStep == null || step > lossStep)) {
            lossStep = step;
            finalLoss = m.values()[i];
          }
        }
      }
      v.add(lastCheckpoint == null ? lastMetric : lastMetric == null ? lastCheckpoint
          : Long.valueOf(Math.max(lastCheckpoint, lastMetric)));
      v.add(finalLoss);
      Row f = facts.get(run.runId());
      Long divergence = f == null || f.isNullAt(3) ? null : f.getLong(3);
      v.add(divergence != null);
      v.add(divergence);
      v.add(f == null || f.isNullAt(1) ? 0 : (int) f.getLong(1));
      v.add(f == null || f.isNullAt(2) ? null : f.getLong(2));
      v.add(structureOf.get(run.runId()));
      SymmetryDegree degree = SymmetryDegree.fromDescription(structureOf.get(run.runId()));
      v.add(degree == null ? null : degree.dimension());
      v.add(degree == null ? null : degree.logOrder());
      rows.add(RowFactory.create(v.toArray()));
    }
    // one file, in run order, as the sorted plan wrote it
    return spark.createDataFrame(rows, schema).coalesce(1);
  }
}
