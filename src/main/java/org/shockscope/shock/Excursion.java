package org.shockscope.shock;

/**
 * Where a run-level metric on the log scale (a loss) is out of its basin: from the first sample
 * above twice the lowest value since the previous excursion to the first sample after the peak
 * that is back at or below that bound or down by half of the rise on the log scale (below
 * √(peak·bound)): a catapult may leave the loss in a basin above its old level. It is the
 * excursion the lab's truth measures on a logged loss: what happens inside it (the weights'
 * moves during a catapult, a rise the jump search fitted as a front) is one event, and a train
 * of bounces is one episode ({@link TransitionMerger}).
 *
 * @param start    first step above the bound
 * @param peak     step of its highest sample
 * @param height   ln of the peak over the bound (how many e-folds it rose above twice its
 *                 basin's level)
 * @param top      ln of the peak value (NaN when unknown): a train's episode peaks at its
 *                 highest value, as the lab truth keeps it
 * @param end      first step back
 * @param settled  first step at or after {@code end} back at or below the bound (the series'
 *                 last step when it never is): until then the metric is still coming back
 * @param interval mean sampling interval over the excursion, in steps
 * @param train    identity of its train: consecutive excursions of one series share it unless
 *                 the series settled for {@link #quietSpan} between them ({@code ShockDetector});
 *                 a spike without a measured excursion continues one by {@link #continuedBy}
 * @param quiet    whether no rise of its series (a spike, a rising front) lies in it: it makes
 *                 no transition and joins only the weights' events that lie in it, but it is part
 *                 of its train's episode, which is placed at its highest excursion
 */
record Excursion(long start, long peak, double height, double top, long end, long settled,
                 double interval, long train, boolean quiet) {
  /** Quiet sampling intervals that end a train of excursions, at least. */
  static final double TRAIN_INTERVALS = 4.0;

  Excursion {
    if (peak < start || end < peak || settled < end) {
      throw new ShockDetectionException("excursion from step " + start + " peaks at step "
          + peak + ", ends at step " + end + " and settles at step " + settled
          + ": not in order");
    }
  }

  /** An excursion of unknown height that peaks where it starts and settles where it ends. */
  Excursion(long start, long end, double interval, long train) {
    this(start, start, Double.NaN, Double.NaN, end, end, interval, train, false);
  }

  /** This excursion, holding a metric event of its own or not ({@code quiet}). */
  Excursion withQuiet(boolean quiet) {
    return new Excursion(start, peak, height, top, end, settled, interval, train, quiet);
  }

  /** end − start, in steps. */
  double duration() {
    return (double) (end - start);
  }

  /**
   * Whether the next excursion of the series, [start, end] sampled every {@code interval}
   * steps, continues this one's train: it starts less than max(2 × the longer duration,
   * {@link #TRAIN_INTERVALS} × the larger interval) after this one ended (the lab truth's
   * episode rule for bounces; the detector also asks whether the series settled in between:
   * {@code ShockDetector}).
   */
  boolean continuedBy(long nextStart, long nextEnd, double nextInterval) {
    return nextStart - end < quietSpan(nextStart, nextEnd, nextInterval);
  }

  /**
   * The last step at which a move of the series still belongs to this excursion's episode:
   * {@link #settled} + {@link #quietSpan} of the excursion with itself, the quiet the series
   * must keep after it for a later excursion to start a train of its own (four sampling
   * intervals, or twice its duration when longer). A loss that a train of bounces left above
   * its old basin and that falls back within that span is ending the episode, not starting an
   * event.
   */
  double episodeReach() {
    return settled + quietSpan(start, end, interval);
  }

  /**
   * How long, in steps, the series must be quiet after this excursion for the next one,
   * [start, end] sampled every {@code nextInterval} steps, to start a train of its own:
   * max(2 × the longer duration, {@link #TRAIN_INTERVALS} × the larger interval).
   */
  double quietSpan(long nextStart, long nextEnd, double nextInterval) {
    double longer = Math.max(duration(), (double) (nextEnd - nextStart));
    return Math.max(2.0 * longer, TRAIN_INTERVALS * Math.max(interval, nextInterval));
  }
}
