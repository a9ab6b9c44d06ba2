package org.shockscope.sweep;

import java.util.List;
import java.util.Objects;

/**
 * Where the weights of one run at one training step are stored. Discovery only lists files; it
 * never reads tensor data (the readers of {@code org.shockscope.io} do).
 *
 * @param step   the training step ({@code N} of {@code step_<N>.*} or {@code checkpoint-<N>/})
 * @param files  fully qualified URIs of the tensor files, sorted; for a sharded Hugging Face
 *               checkpoint its {@code model.safetensors.index.json} (every shard it names is
 *               present; the reader opens them through it and checks them against it)
 * @param bytes  total size of the tensor files (of the shards, for an index) in bytes
 * @param format {@link #SAFETENSORS}, {@link #NPZ} or {@link #NPY}
 */
public record CheckpointRef(long step, List<String> files, long bytes, String format) {
  /** safetensors (one file, or the shards of a Hugging Face checkpoint). */
  public static final String SAFETENSORS = "safetensors";
  /** A numpy {@code .npz} archive of named arrays. */
  public static final String NPZ = "npz";
  /** A numpy {@code .npy} file holding a single tensor. */
  public static final String NPY = "npy";

  public CheckpointRef {
    Objects.requireNonNull(format, "format");
    files = List.copyOf(files);
    if (files.isEmpty() || step < 0 || bytes < 0) {
      throw new IllegalArgumentException("Checkpoint at step " + step + " with " + files.size()
          + " files and " + bytes + " bytes");
    }
  }
}
