package org.shockscope.sweep;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.shockscope.ErrorRecord;

/**
 * Discovers a sweep (SPEC §3): lists its runs, their hyperparameters, metric series and
 * checkpoint files, through Hadoop's {@link FileSystem} so that any URI works (local path,
 * {@code file:}, {@code hdfs:}, {@code s3a:}, {@code abfss:}, {@code dbfs:}). It reads small
 * text files (manifests, parameters, metric logs, configs) and never tensor data.
 *
 * <p><b>Layout detection</b>, first rule that applies, for the folder {@code S} at the URI:
 * <ol>
 *   <li>{@code S/mlruns/} exists: {@link SweepLayout#MLFLOW}, the store being {@code S/mlruns}.</li>
 *   <li>{@code S} itself holds run data ({@code checkpoint-<N>/}, {@code trainer_state.json},
 *       {@code checkpoints/}, {@code metrics.csv}, {@code metrics.jsonl} or TensorBoard logs,
 *       see {@link TensorBoardLogs#holdsLogs}): {@code S} is a
 *       single run named after the folder ({@code HUGGING_FACE} when it holds
 *       {@code checkpoint-<N>/} or {@code trainer_state.json}, else {@code NATIVE}); a
 *       {@code runs.csv} is not looked for (it would be in the parent).</li>
 *   <li>A sub-folder of {@code S} is an MLflow run (holds {@code params/} or {@code metrics/}):
 *       {@code S} is one MLflow experiment.</li>
 *   <li>A sub-folder of {@code S} holds MLflow runs: {@code S} is an MLflow store
 *       ({@code mlruns/} itself); its experiments are the sub-folders holding runs, others
 *       ({@code models/}, empty experiments) are ignored.</li>
 *   <li>A sub-folder of {@code S} is a native or Hugging Face run (see
 *       {@link RunFolderReader}), or {@code S} holds {@code runs.csv} or {@code sweep.json}:
 *       {@code HUGGING_FACE} when any run folder looks like Trainer output, else
 *       {@code NATIVE}. Every visible sub-folder is a run folder, named by its folder.</li>
 *   <li>Otherwise a {@link SweepDiscoveryException} names the URI and what was looked for.</li>
 * </ol>
 * Names starting with {@code .} or {@code _} are hidden, as in Hadoop and Spark, and never
 * taken for runs, experiments or checkpoints. {@code sweep.json} is read from {@code S} in
 * every layout.
 *
 * <p><b>Run ids</b>: the folder name (native, Hugging Face); for MLflow, the
 * {@code mlflow.runName} tag when the run has one that no other run of the sweep has (and that
 * is no run's uuid), else the run uuid, which is always kept in the parameters as
 * {@code mlflow.run_id}. {@code runs.csv} applies to native and Hugging Face sweeps only; a run
 * it lists without a folder gives a {@code missing_run_folder} error record.
 *
 * <p><b>Values</b>: hyperparameters are always text, and also numbers where the text is a finite
 * decimal ({@code 1e-3} included; booleans stay text). Metric values keep NaN and ±Infinity,
 * however written; when a step is logged twice the last value wins (file order, then source
 * order as documented by each reader).
 *
 * <p><b>Errors</b>: every file or folder that cannot be understood gives one error record (stage
 * {@code discovery}) naming it and what is wrong, and the rest of the sweep is still
 * discovered; a run with neither a usable metric nor a usable checkpoint is left out with an
 * {@code empty_run} record. Work is bounded by {@link DiscoveryLimits}.
 */
public final class SweepDiscovery {
  /** Folders of an MLflow experiment that are not runs. */
  private static final Set<String> MLFLOW_EXPERIMENT_FOLDERS = Set.of("tags", "datasets",
      "traces");

  private SweepDiscovery() {}

  /**
   * Discovers the sweep at {@code uri}.
   *
   * @param uri  the sweep folder: a local path or any Hadoop-compatible URI
   * @param conf Hadoop configuration for the file system, and discovery limits
   *             ({@link DiscoveryLimits})
   * @throws SweepDiscoveryException when the URI is invalid, the folder does not exist or
   *     cannot be listed, or it holds no sweep layout
   */
  public static Sweep discover(String uri, Configuration conf) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(conf, "conf");
    DiscoveryLimits limits = DiscoveryLimits.from(conf);
    Path root;
    FileSystem fs;
    try {
      root = new Path(uri);
      fs = root.getFileSystem(conf);
    } catch (IllegalArgumentException | IOException e) {
      throw new SweepDiscoveryException("Cannot open sweep URI '" + uri + "': " + e.getMessage(),
          e);
    }
    SweepFileSystem files = new SweepFileSystem(fs, limits);
    Listing top = listRoot(files, files.qualify(root), uri);
    try (ParallelTasks tasks = new ParallelTasks(limits.threads())) {
      return new Discovery(files, tasks, top, uri).run();
    }
  }

  private static Listing listRoot(SweepFileSystem files, Path root, String uri) {
    try {
      if (!files.status(root).isDirectory()) {
        throw new SweepDiscoveryException("Sweep URI '" + uri + "' is a file; a sweep is a"
            + " folder");
      }
      return files.list(root);
    } catch (FileNotFoundException e) {
      throw new SweepDiscoveryException("Sweep folder '" + uri + "' does not exist", e);
    } catch (IOException e) {
      throw new SweepDiscoveryException("Cannot list sweep folder '" + uri + "': " + e, e);
    }
  }

  /** One discovery: the state shared by the steps of {@link #discover}. */
  private static final class Discovery {
    private final SweepFileSystem files;
    private final ParallelTasks tasks;
    private final Listing top;
    private final String uri;
    private final ErrorLog log = new ErrorLog();
    private final SweepHeader header;

    Discovery(SweepFileSystem files, ParallelTasks tasks, Listing top, String uri) {
      this.files = files;
      this.tasks = tasks;
      this.top = top;
      this.uri = uri;
      this.header = SweepHeader.read(files, top, log);
    }

    Sweep run() {
      FileStatus mlruns = top.dir("mlruns");
      if (mlruns != null) {
        Listing store;
        try {
          store = files.list(mlruns.getPath());
        } catch (IOException e) {
          throw new SweepDiscoveryException("Cannot list MLflow store '" + mlruns.getPath()
              + "': " + e, e);
        }
        return mlflow(experiments(listFolders(store.visibleDirs(), log), log));
      }
      if (RunFolderReader.holdsRunData(top)) {
        RunBuilder.RunResult r = RunFolderReader.read(files, top, top.name(), null);
        return sweep(layoutOf(List.of(top)), List.of(r));
      }
      ErrorLog childLog = new ErrorLog();
      List<Listing> children = listFolders(top.visibleDirs(), childLog);
      if (children.stream().anyMatch(MlflowRunReader::isRun)) {
        log.addAll(childLog.records());
        return mlflow(List.of(new Experiment(top, children)));
      }
      ErrorLog grandLog = new ErrorLog();
      List<Listing> others = children.stream().filter(c -> !RunFolderReader.isRun(c)).toList();
      List<Experiment> experiments = experiments(others, grandLog);
      if (!experiments.isEmpty()) {
        log.addAll(childLog.records());
        log.addAll(grandLog.records());
        return mlflow(experiments);
      }
      if (children.stream().anyMatch(RunFolderReader::isRun)
          || top.file(RunManifest.FILE) != null || top.file(SweepHeader.FILE) != null) {
        log.addAll(childLog.records());
        return folders(children);
      }
      throw new SweepDiscoveryException("No sweep found at '" + uri + "': looked for mlruns/,"
          + " MLflow experiments or runs (<run>/params/, <run>/metrics/), Hugging Face Trainer"
          + " runs (checkpoint-<N>/, trainer_state.json), native runs (params.json, metrics.csv,"
          + " metrics.jsonl, checkpoints/, TensorBoard event files), " + RunManifest.FILE + " and " + SweepHeader.FILE
          + ", in the folder and its sub-folders");
    }

    /** A native or Hugging Face sweep whose run folders are {@code runFolders}. */
    private Sweep folders(List<Listing> runFolders) {
      FileStatus manifestFile = top.file(RunManifest.FILE);
      Map<String, Map<String, String>> manifest = manifestFile == null ? Map.of()
          : RunManifest.read(files, manifestFile, log);
      Set<String> names = new HashSet<>();
      runFolders.forEach(f -> names.add(f.name()));
      manifest.keySet().stream().filter(id -> !names.contains(id)).sorted().forEach(id ->
          log.add(manifestFile.getPath().toString(), id, null, Problem.MISSING_RUN_FOLDER,
              manifestFile.getPath() + " lists run '" + id + "' but " + top.uri()
                  + " has no folder of that name"));
      List<RunBuilder.RunResult> results = tasks.map(runFolders, f -> {
        try {
          return RunFolderReader.read(files, f, f.name(), manifest.get(f.name()));
        } catch (RuntimeException ex) {
          return failed(f, ex);
        }
      });
      return sweep(layoutOf(runFolders), results);
    }

    private static SweepLayout layoutOf(List<Listing> runFolders) {
      return runFolders.stream().anyMatch(RunFolderReader::isHuggingFace)
          ? SweepLayout.HUGGING_FACE : SweepLayout.NATIVE;
    }

    /** An MLflow sweep of the runs of {@code experiments}. */
    private Sweep mlflow(List<Experiment> experiments) {
      List<Listing> runFolders = new ArrayList<>();
      for (Experiment e : experiments) {
        for (Listing f : e.folders()) {
          if (MlflowRunReader.isRun(f)) {
            runFolders.add(f);
          } else if (!MLFLOW_EXPERIMENT_FOLDERS.contains(f.name())) {
            log.add(f.uri(), null, null, Problem.NOT_A_RUN, "Folder " + f.uri() + " of MLflow"
                + " experiment " + e.folder().uri() + " is not a run: it has neither params/ nor"
                + " metrics/");
          }
        }
      }
      List<MlflowRunReader.MlflowRun> read = tasks.map(runFolders, f -> {
        try {
          return MlflowRunReader.read(files, f);
        } catch (RuntimeException ex) {
          return new MlflowRunReader.MlflowRun(f.name(), null, false, failed(f, ex));
        }
      });
      List<MlflowRunReader.MlflowRun> live = read.stream().filter(r -> !r.deleted()).toList();
      Map<String, Integer> nameCount = new HashMap<>();
      Set<String> uuids = new HashSet<>();
      for (MlflowRunReader.MlflowRun r : live) {
        uuids.add(r.uuid());
        if (r.runName() != null) {
          nameCount.merge(r.runName(), 1, Integer::sum);
        }
      }
      List<Map.Entry<String, RunBuilder.RunResult>> renamed = new ArrayList<>();
      for (MlflowRunReader.MlflowRun r : live) {
        boolean unique = r.runName() != null && nameCount.get(r.runName()) == 1
            && !uuids.contains(r.runName());
        String id = unique ? r.runName() : r.uuid();
        RunInfo run = r.result().run() == null ? null : r.result().run().withRunId(id);
        List<ErrorRecord> errors = r.result().errors().stream()
            .map(e -> r.uuid().equals(e.runId()) ? new ErrorRecord(e.source(), id, e.step(),
                e.stage(), e.error(), e.message()) : e)
            .toList();
        renamed.add(Map.entry(id, new RunBuilder.RunResult(run, errors)));
      }
      renamed.sort(Map.Entry.comparingByKey());
      return sweep(SweepLayout.MLFLOW, renamed.stream().map(Map.Entry::getValue).toList());
    }

    private Sweep sweep(SweepLayout layout, List<RunBuilder.RunResult> results) {
      List<RunInfo> runs = new ArrayList<>();
      List<ErrorRecord> errors = new ArrayList<>(log.records());
      for (RunBuilder.RunResult r : results) {
        errors.addAll(r.errors());
        if (r.run() != null) {
          runs.add(r.run());
        }
      }
      runs.sort(Comparator.comparing(RunInfo::runId));
      return new Sweep(top.uri(), layout, header.name(), header.modelJson(), header.groupBy(),
          runs, errors);
    }

    /** The experiments among {@code candidates}: folders with at least one MLflow run folder. */
    private List<Experiment> experiments(List<Listing> candidates, ErrorLog errors) {
      List<Experiment> out = new ArrayList<>();
      for (Listing c : candidates) {
        List<Listing> folders = listFolders(c.visibleDirs(), errors);
        if (folders.stream().anyMatch(MlflowRunReader::isRun)) {
          out.add(new Experiment(c, folders));
        }
      }
      return out;
    }

    /** Listings of {@code dirs}, in parallel; folders that cannot be listed are logged. */
    private List<Listing> listFolders(List<FileStatus> dirs, ErrorLog errors) {
      List<Listed> listed = tasks.map(dirs, d -> {
        try {
          return new Listed(d.getPath(), files.list(d.getPath()), null);
        } catch (IOException e) {
          return new Listed(d.getPath(), null, e);
        } catch (RuntimeException e) {
          return new Listed(d.getPath(), null, new IOException(e));
        }
      });
      List<Listing> out = new ArrayList<>();
      for (Listed l : listed) {
        if (l.listing() != null) {
          out.add(l.listing());
        } else {
          errors.io(l.dir().toString(), l.dir().getName(), null, l.error());
        }
      }
      return out;
    }

    /** A run whose reading failed unexpectedly: one error record, the sweep goes on. */
    private static RunBuilder.RunResult failed(Listing folder, RuntimeException e) {
      return new RunBuilder.RunResult(null, List.of(new ErrorRecord(folder.uri(), folder.name(),
          null, ErrorLog.STAGE, Problem.FAILED.code(), "Reading run folder " + folder.uri()
          + " failed: " + e)));
    }
  }

  /**
   * An MLflow experiment folder and the listings of its sub-folders.
   *
   * @param folder  the experiment folder
   * @param folders its visible sub-folders (runs and others)
   */
  private record Experiment(Listing folder, List<Listing> folders) {}

  /** The listing of folder {@code dir}, or why it failed. */
  private record Listed(Path dir, Listing listing, IOException error) {}
}
