package org.shockscope.spark;

import java.io.Serializable;
import java.util.List;

/**
 * A unit of executor work: consecutive checkpoints of one run, reduced in step order by one
 * task so that each checkpoint file is read once and the motion observables between
 * neighbours need no shuffle. The checkpoint before the segment (if any) is re-read once, for
 * the first motion observable; that is the only re-read, one per segment.
 *
 * @param runId      the run
 * @param index      the segment's position within the run (0-based)
 * @param previous   the checkpoint just before the segment, or null for a run's first segment
 * @param items      the checkpoints, by increasing step
 * @param model      the model-structure description for the run (preset name or JSON), or null
 * @param configJson the run's Hugging Face config.json text, or null
 * @param activation the run's activation hyperparameter, or null
 * @param bytes      total bytes of the segment's files (for balancing)
 */
public record CheckpointSegment(String runId, int index, Item previous, List<Item> items,
                                String model, String configJson, String activation, long bytes)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * One checkpoint: its step and files (several for a sharded checkpoint).
   *
   * @param step  training step
   * @param files URIs
   * @param bytes total size of the files
   */
  public record Item(long step, List<String> files, long bytes) implements Serializable {
    private static final long serialVersionUID = 1L;
  }
}
