package org.shockscope.sweep;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;

/**
 * Recognises checkpoints by name (SPEC §3): native files {@code step_<N>.safetensors},
 * {@code step_<N>.npz}, {@code step_<N>.npy}, and Hugging Face folders
 * {@code checkpoint-<N>}. Python pickles ({@code .pt .pth .bin .ckpt .pkl .pickle}) are refused
 * with an error record that says how to convert them; they are never opened.
 */
final class CheckpointNames {
  private static final Pattern STEP_FILE = Pattern.compile("step_(\\d{1,18})\\.(.+)");
  private static final Pattern HF_FOLDER = Pattern.compile("checkpoint-(\\d{1,18})");
  private static final Set<String> PICKLES = Set.of("pt", "pth", "bin", "ckpt", "pkl", "pickle");

  private CheckpointNames() {}

  /** The step of a Hugging Face {@code checkpoint-<N>} folder name, or -1. */
  static long hfStep(String folderName) {
    Matcher m = HF_FOLDER.matcher(folderName);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** True when {@code name} is that of a checkpoint file, {@code step_<N>.<tensor format>}. */
  static boolean isCheckpointFile(String name) {
    Matcher m = STEP_FILE.matcher(name);
    return m.matches() && format(m.group(2)) != null;
  }

  /** True when a file name has a pickle extension. */
  static boolean isPickle(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot >= 0 && PICKLES.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * A file of a native {@code checkpoints/} folder, where every file must be a checkpoint:
   * anything else is logged ({@code bad_name}, {@code pickle_refused}, {@code unknown_format}).
   */
  static void addNative(FileStatus file, String runId, CheckpointSet into, ErrorLog log) {
    String name = file.getPath().getName();
    Matcher m = STEP_FILE.matcher(name);
    if (!m.matches()) {
      log.add(file.getPath().toString(), runId, null, Problem.BAD_NAME, "Checkpoint file "
          + file.getPath() + " is not named step_<N>.safetensors, step_<N>.npz or step_<N>.npy");
      return;
    }
    long step = Long.parseLong(m.group(1));
    String format = format(m.group(2));
    if (format != null) {
      into.add(step, file, format);
    } else if (isPickle(name)) {
      refusePickle(file, runId, step, log);
    } else {
      log.add(file.getPath().toString(), runId, step, Problem.UNKNOWN_FORMAT, "Checkpoint file "
          + file.getPath() + " has extension '." + m.group(2) + "'; checkpoints must be"
          + " .safetensors, .npz or .npy");
    }
  }

  /**
   * A file anywhere under an MLflow run's {@code artifacts/}, which holds all sorts of files:
   * only {@code step_<N>.*} names are checkpoints, and of those pickles are logged.
   */
  static void addArtifact(FileStatus file, String runId, CheckpointSet into, ErrorLog log) {
    Matcher m = STEP_FILE.matcher(file.getPath().getName());
    if (m.matches()) {
      long step = Long.parseLong(m.group(1));
      String format = format(m.group(2));
      if (format != null) {
        into.add(step, file, format);
      } else if (isPickle(file.getPath().getName())) {
        refusePickle(file, runId, step, log);
      }
    }
  }

  private static void refusePickle(FileStatus file, String runId, long step, ErrorLog log) {
    log.add(file.getPath().toString(), runId, step, Problem.PICKLE_REFUSED, "Checkpoint "
        + file.getPath() + " is a Python pickle, which shockscope never loads (unpickling can"
        + " run arbitrary code). Convert it where it is trusted, e.g. with"
        + " safetensors.torch.save_file(torch.load(path), 'step_" + step + ".safetensors')");
  }

  private static String format(String extension) {
    return switch (extension.toLowerCase(Locale.ROOT)) {
      case "safetensors" -> CheckpointRef.SAFETENSORS;
      case "npz" -> CheckpointRef.NPZ;
      case "npy" -> CheckpointRef.NPY;
      default -> null;
    };
  }
}
