package org.shockscope.shock;

import java.util.Random;

/**
 * How many fronts the detector finds in short, noisy logs (session 36): a loss logged every 50
 * steps, 40 values, 2.9 − 0.7·tanh((t − t_s)/w) plus white noise, t_s drawn uniformly in a band
 * of the run, 40 seeds per setting. A front counts as found when a jump lies within 100 steps of
 * t_s; every other jump is misplaced; the same noise without the drop gives the quiet runs'
 * jumps. Prints one row per setting.
 *
 * <p>Run: {@code src/bench/short-log-recall.sh} (CLASSES=… for another build).
 */
public final class ShortLogRecall {
  private static final int SEEDS = 40;
  private static final int SAMPLES = 40;
  private static final long EVERY = 50;

  private ShortLogRecall() {}

  public static void main(String[] args) {
    double[][] settings = {
        {0.18, 0.60, 0.75, 65}, {0.22, 0.60, 0.75, 65}, {0.25, 0.60, 0.75, 65},
        {0.22, 0.50, 0.80, 65}, {0.22, 0.30, 0.70, 120}};
    ShockDetector detector = new ShockDetector(DetectorConfig.DEFAULTS);
    System.out.println("noise  front at      width  found  misplaced  quiet jumps  (of " + SEEDS
        + " seeds)");
    for (double[] s : settings) {
      int found = 0;
      int misplaced = 0;
      int quiet = 0;
      for (int seed = 0; seed < SEEDS; seed++) {
        // Consecutive seeds' first draws are nearly equal in java.util.Random.
        Random r = new Random(seed * 0x9E3779B97F4A7C15L);
        long[] steps = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
          steps[i] = EVERY * (i + 1);
        }
        double ts = steps[SAMPLES - 1] * (s[1] + (s[2] - s[1]) * r.nextDouble());
        double[] loss = new double[SAMPLES];
        double[] flat = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
          loss[i] = 2.9 - 0.7 * Math.tanh((steps[i] - ts) / s[3]) + s[0] * r.nextGaussian();
        }
        for (int i = 0; i < SAMPLES; i++) {
          flat[i] = 2.9 + s[0] * r.nextGaussian();
        }
        boolean hit = false;
        for (ShockEvent e : detector.detect("loss", "", steps, loss)) {
          if (e.kind().equals("jump")) {
            if (Math.abs(e.step() - ts) <= 100 && !hit) {
              hit = true;
            } else {
              misplaced++;
            }
          }
        }
        found += hit ? 1 : 0;
        for (ShockEvent e : detector.detect("loss", "", steps, flat)) {
          quiet += e.kind().equals("jump") ? 1 : 0;
        }
      }
      System.out.printf("%5.2f  %3.0f-%3.0f%%  %9.0f  %5d  %9d  %11d%n", s[0], 100 * s[1],
          100 * s[2], s[3], found, misplaced, quiet);
    }
  }
}
