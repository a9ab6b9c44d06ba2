package org.shockscope.sweep;

import java.util.Map;
import java.util.Set;

/**
 * One random change made to a valid sweep by {@link SweepMutator}, described well enough to
 * replay it: what was done, to which file or folder (relative to the sweep's folder), with which
 * seed. A fuzzing failure prints it.
 *
 * @param kind   what was done
 * @param target the file or folder changed, relative to the sweep folder, slash-separated
 * @param seed   the seed of the random choices made inside the target (cut point, row, value)
 * @param detail what was done, in words ("truncated to 17 of 311 bytes")
 */
public record SweepMutation(Kind kind, String target, long seed, String detail) {

  /** The kinds of mutation. */
  public enum Kind {
    /** A JSON file cut short at a random byte before its last token. */
    JSON_TRUNCATE,
    /** A JSON file replaced by a value of another type (array, string, number, null). */
    JSON_RETYPE,
    /** One structural field of a JSON file given another type. */
    JSON_RETYPE_FIELD,
    /** An MLflow meta.yaml cut short or its lifecycle_stage given a non-text value. */
    YAML_MUTATE,
    /** The data rows of a CSV, JSONL or MLflow metric file put in random order. */
    ROWS_SHUFFLE,
    /** One data row duplicated at a random place. */
    ROWS_DUPLICATE,
    /** One data row cut short (fewer fields, or a JSONL line cut mid-object). */
    ROWS_CUT,
    /** One value of a data row replaced by a foreign value (text, HTML, a malformed number). */
    ROWS_FOREIGN,
    /** A safetensors index entry pointing at a shard that does not exist. */
    INDEX_MISSING_SHARD,
    /** A safetensors index entry pointing at another, existing shard. */
    INDEX_WRONG_SHARD,
    /** A run renamed (folder and manifest, or MLflow run name) to spaces, unicode, HTML, long. */
    NAME_WEIRD,
    /** A file emptied. */
    EMPTY_FILE,
    /** A file replaced by a folder of the same name: unreadable as a file. */
    DIR_FOR_FILE,
    /** A file whose reads fail with an I/O error (discovery only, see {@link FuzzFileSystem}). */
    UNREADABLE_FILE,
    /** A symbolic link looping back to a parent, or to itself. */
    SYMLINK_LOOP,
    /** A checkpoint after the first whose tensors change shape or names. */
    ARCH_CHANGE,
    /** A checkpoint file cut short. */
    TENSOR_TRUNCATE,
    /** A checkpoint file whose first bytes (header length or magic) are overwritten. */
    TENSOR_HEADER,
    /** Run ids that clash: a manifest row repeated or for no folder, MLflow run names shared. */
    RUN_ID_CLASH
  }

  /**
   * What the readers must make of a mutated sweep, against the clean one.
   *
   * @param mutation    what was done
   * @param errors      how many error rows must name {@code errorSource}
   * @param errorSource the path (relative to the sweep folder) those rows' source must contain,
   *                    or null when no error is expected
   * @param readStage   true when the error comes from reading tensors (the job's read or
   *                    observables stage), not from discovery
   * @param changed     clean run ids whose rows may differ (or vanish)
   * @param renamed     clean run ids whose rows must reappear unchanged under a new id
   * @param same        clean run ids that were touched but whose rows must stay equal
   */
  public record Outcome(SweepMutation mutation, int errors, String errorSource,
                        boolean readStage, Set<String> changed, Map<String, String> renamed,
                        Set<String> same) {

    /** Every clean run id this mutation touched. */
    public Set<String> touched() {
      java.util.Set<String> t = new java.util.TreeSet<>(changed);
      t.addAll(renamed.keySet());
      t.addAll(same);
      return t;
    }
  }
}
