package org.shockscope.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.FileStatus;

/**
 * Finds the TensorBoard event files of one run folder and reads their scalars
 * (SPEC §3, "Metrics in TensorBoard event files"), in the three places they are written:
 * <ul>
 *   <li>the run folder itself (a native run logging with a {@code SummaryWriter} there); tags
 *       are metric names as written;</li>
 *   <li>{@code runs/} and {@code runs/<name>/} of Hugging Face Trainer output (its default
 *       {@code logging_dir}, {@code runs/<date>_<host>}); the Trainer's
 *       {@code TensorBoardCallback} renames its log keys, which this undoes so that the series
 *       are named as in {@code trainer_state.json}: {@code train/<key>} is {@code <key>},
 *       {@code eval/<key>} is {@code eval_<key>}, {@code test/<key>} is {@code test_<key>};
 *       other tags as written;</li>
 *   <li>{@code lightning_logs/} and {@code lightning_logs/<version>/} (PyTorch Lightning's
 *       {@code TensorBoardLogger}, one {@code version_N} a fit; a resumed fit is a new
 *       version); tags as written.</li>
 * </ul>
 * An event file is a visible file whose name contains {@code tfevents}, as TensorBoard decides.
 * Files are read oldest first by the creation time in their name
 * ({@code events.out.tfevents.<seconds>.<host>...}), then by path, so that where a resumed run
 * logged a step again, the later file's value wins. Deeper folders (the {@code add_hparams}
 * sub-folders the Trainer's writer creates) hold no training scalars and are not searched.
 */
final class TensorBoardLogs {
  static final String TRAINER_RUNS = "runs";
  static final String LIGHTNING_LOGS = "lightning_logs";
  /** Files the Trainer writes beside {@code runs/}; with one of them {@code runs/} is a log. */
  private static final List<String> TRAINER_FILES = List.of("training_args.bin",
      RunFolderReader.CONFIG, RunFolderReader.TRAINER_STATE);

  private TensorBoardLogs() {}

  /** True when {@code name} is an event file's name. */
  static boolean isEventFile(String name) {
    return name.contains("tfevents") && !Listing.isHidden(name);
  }

  /**
   * True when {@code folder} holds TensorBoard logs of a run: event files, a
   * {@code lightning_logs/} folder, or a {@code runs/} folder beside a file the Trainer writes
   * ({@code training_args.bin}, {@code config.json}, {@code trainer_state.json}). A bare
   * {@code runs/} is not taken for one, since a sweep folder may keep its runs in a folder of
   * that name; its event files are still read when the folder is a run for another reason.
   */
  static boolean holdsLogs(Listing folder) {
    if (folder.visibleFiles().stream().anyMatch(f -> isEventFile(f.getPath().getName()))
        || folder.dir(LIGHTNING_LOGS) != null) {
      return true;
    }
    return folder.dir(TRAINER_RUNS) != null
        && TRAINER_FILES.stream().anyMatch(n -> folder.file(n) != null);
  }

  /** Reads every event file of run folder {@code folder} into {@code into}. */
  static void read(SweepFileSystem files, Listing folder, String runId, SeriesAccumulator into,
                   ErrorLog log) {
    List<Found> found = new ArrayList<>();
    collect(folder, UnaryOperator.identity(), found);
    for (String sub : List.of(TRAINER_RUNS, LIGHTNING_LOGS)) {
      UnaryOperator<String> names = sub.equals(TRAINER_RUNS) ? TensorBoardLogs::trainerName
          : UnaryOperator.identity();
      FileStatus dir = folder.dir(sub);
      Listing logs = dir == null ? null : list(files, dir, runId, log);
      if (logs == null) {
        continue;
      }
      collect(logs, names, found);
      for (FileStatus d : logs.visibleDirs()) {
        Listing l = list(files, d, runId, log);
        if (l != null) {
          collect(l, names, found);
        }
      }
    }
    found.sort(Comparator.comparingLong((Found f) -> createdAt(f.file().getPath().getName()))
        .thenComparing(f -> f.file().getPath().toString()));
    for (Found f : found) {
      EventFileReader.read(files, f.file(), runId, f.names(), into, log);
    }
  }

  /**
   * The metric name of a tag the Hugging Face {@code TensorBoardCallback} wrote: it logs key
   * {@code eval_<x>} as {@code eval/<x>}, {@code test_<x>} as {@code test/<x>} and every other
   * key {@code k} as {@code train/<k>}.
   */
  static String trainerName(String tag) {
    if (tag.startsWith("train/") && tag.length() > 6) {
      return tag.substring(6);
    }
    if (tag.startsWith("eval/") && tag.length() > 5) {
      return "eval_" + tag.substring(5);
    }
    if (tag.startsWith("test/") && tag.length() > 5) {
      return "test_" + tag.substring(5);
    }
    return tag;
  }

  /** The creation time in an event file's name, or -1 when it has none. */
  static long createdAt(String name) {
    int i = name.indexOf("tfevents.");
    if (i < 0) {
      return -1;
    }
    int from = i + "tfevents.".length();
    int to = from;
    while (to < name.length() && to - from < 18 && Character.isDigit(name.charAt(to))) {
      to++;
    }
    return to == from ? -1 : Long.parseLong(name.substring(from, to));
  }

  private static void collect(Listing dir, UnaryOperator<String> names, List<Found> out) {
    for (FileStatus f : dir.visibleFiles()) {
      if (isEventFile(f.getPath().getName())) {
        out.add(new Found(f, names));
      }
    }
  }

  private static Listing list(SweepFileSystem files, FileStatus dir, String runId, ErrorLog log) {
    try {
      return files.list(dir.getPath());
    } catch (IOException e) {
      log.io(dir.getPath().toString(), runId, null, e);
      return null;
    }
  }

  /** An event file and how its tags become metric names. */
  private record Found(FileStatus file, UnaryOperator<String> names) {}
}
