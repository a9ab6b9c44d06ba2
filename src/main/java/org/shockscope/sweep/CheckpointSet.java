package org.shockscope.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;

/**
 * The checkpoints found for one run. When several are found for the same step (a
 * {@code step_100.safetensors} next to a {@code step_100.npz}, or the same step in two
 * artifact folders), the one kept is the first by format (safetensors, npz, npy) and then by
 * file URI; every other one gives a {@code duplicate_step} error record.
 */
final class CheckpointSet {
  private static final List<String> FORMAT_ORDER =
      List.of(CheckpointRef.SAFETENSORS, CheckpointRef.NPZ, CheckpointRef.NPY);
  private static final Comparator<CheckpointRef> ORDER =
      Comparator.comparingLong(CheckpointRef::step)
          .thenComparingInt(c -> FORMAT_ORDER.indexOf(c.format()))
          .thenComparing(c -> c.files().get(0));

  private final List<CheckpointRef> found = new ArrayList<>();

  void add(CheckpointRef ref) {
    found.add(ref);
  }

  /** A checkpoint held in the single file {@code file}. */
  void add(long step, FileStatus file, String format) {
    found.add(new CheckpointRef(step, List.of(file.getPath().toString()), file.getLen(), format));
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  /** One checkpoint per step, sorted by step; the others logged for run {@code runId}. */
  List<CheckpointRef> resolve(String runId, ErrorLog log) {
    List<CheckpointRef> sorted = new ArrayList<>(found);
    sorted.sort(ORDER);
    List<CheckpointRef> out = new ArrayList<>();
    for (CheckpointRef c : sorted) {
      CheckpointRef kept = out.isEmpty() ? null : out.get(out.size() - 1);
      if (kept != null && kept.step() == c.step()) {
        log.add(c.files().get(0), runId, c.step(), Problem.DUPLICATE_STEP, "Run '" + runId
            + "' has two checkpoints for step " + c.step() + ": using " + kept.files().get(0)
            + ", ignoring " + c.files().get(0));
      } else {
        out.add(c);
      }
    }
    return out;
  }
}
