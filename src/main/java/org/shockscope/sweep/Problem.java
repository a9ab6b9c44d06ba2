package org.shockscope.sweep;

import java.util.Locale;

/** Kinds of discovery problems; {@link #code()} is the {@code error} column of the errors table. */
enum Problem {
  /** A file or folder could not be listed or read (I/O error, permission, vanished). */
  UNREADABLE,
  /** A text file is larger than the configured limit. */
  TOO_LARGE,
  /** A JSON file does not parse or lacks what it must hold. */
  MALFORMED_JSON,
  /** A CSV file does not parse or its header is unusable. */
  MALFORMED_CSV,
  /** Some lines of a readable file were skipped or some values were unreadable. */
  BAD_LINES,
  /**
   * Records of a TensorBoard event file were skipped (checksum mismatch, over the size limit,
   * not an Event, a scalar tag's value that is no scalar); the rest of the file was used.
   */
  BAD_RECORDS,
  /**
   * The length of a TensorBoard event file's record failed its checksum: the framing is lost
   * and the rest of the file was not read (what came before was used).
   */
  BROKEN_FRAMING,
  /** A TensorBoard event file ends inside a record (what came before was used). */
  TRUNCATED,
  /** A value of sweep.json has the wrong type. */
  BAD_VALUE,
  /** A Python pickle checkpoint, refused. */
  PICKLE_REFUSED,
  /** A checkpoint file with an extension that is not a tensor format. */
  UNKNOWN_FORMAT,
  /** A checkpoint file or folder whose name is not {@code step_<N>.<ext>}. */
  BAD_NAME,
  /** A shard named by a safetensors index is not a plain safetensors file name. */
  BAD_SHARD_NAME,
  /** A shard named by a safetensors index is missing. */
  MISSING_SHARD,
  /** A Hugging Face checkpoint folder holds no model weights. */
  NO_WEIGHTS,
  /** Two checkpoints of a run for the same step. */
  DUPLICATE_STEP,
  /** Two rows of runs.csv for the same run. */
  DUPLICATE_RUN,
  /** A run listed in runs.csv has no folder. */
  MISSING_RUN_FOLDER,
  /** A run folder with no metric and no checkpoint. */
  EMPTY_RUN,
  /** A folder in an MLflow experiment that is not a run. */
  NOT_A_RUN,
  /** Folders deeper than the configured depth were not searched. */
  DEPTH_LIMIT,
  /** An unexpected failure while reading one run. */
  FAILED;

  String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
