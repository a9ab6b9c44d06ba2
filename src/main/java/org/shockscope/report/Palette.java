package org.shockscope.report;

/**
 * Colours of the report: a categorical palette for series (Tableau 10, chosen for
 * distinguishability and colour-blind robustness) and sequential scales for rates in [0, 1],
 * interpolated linearly in sRGB between ColorBrewer stops (Harrower &amp; Brewer 2003).
 */
final class Palette {
  private Palette() {}

  private static final String[] CATEGORICAL = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1",
      "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#e15759", "#bab0ac"};

  /** Text and axis ink. */
  public static final String INK = "#1f2933";
  /** Secondary text, ticks. */
  public static final String MUTED = "#6b7785";
  /** Grid lines. */
  public static final String GRID = "#e4e8ee";
  /** Shock markers on metric series and emphasis. */
  public static final String SHOCK = "#d1495b";
  /** Divergence markers. */
  public static final String DIVERGENCE = "#7a0177";
  /** Cells or values without data. */
  public static final String EMPTY = "#f1f3f5";

  /** ColorBrewer YlOrRd, 5 classes: shock rate. */
  public static final int[][] SHOCK_SCALE = {{255, 255, 204}, {254, 217, 118}, {253, 141, 60},
      {227, 26, 28}, {128, 0, 38}};
  /** ColorBrewer Purples, 5 classes: divergence rate. */
  public static final int[][] DIVERGENCE_SCALE = {{252, 251, 253}, {218, 218, 235},
      {158, 154, 200}, {106, 81, 163}, {63, 0, 125}};

  /** The i-th categorical colour (cycling). */
  public static String category(int i) {
    return CATEGORICAL[Math.floorMod(i, CATEGORICAL.length)];
  }

  /** The colour of {@code t} ∈ [0, 1] (clamped) on a sequential scale; {@link #EMPTY} for NaN. */
  public static String sequential(int[][] stops, double t) {
    if (Double.isNaN(t)) {
      return EMPTY;
    }
    int[] c = rgb(stops, t);
    return String.format("#%02x%02x%02x", c[0], c[1], c[2]);
  }

  /** Black or white, whichever reads better on {@code sequential(stops, t)}. */
  public static String textOn(int[][] stops, double t) {
    if (Double.isNaN(t)) {
      return INK;
    }
    int[] c = rgb(stops, t);
    // relative luminance (ITU-R BT.709 weights on gamma-encoded values is close enough here)
    double y = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
    return y > 0.55 ? INK : "#ffffff";
  }

  private static int[] rgb(int[][] stops, double t) {
    double x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    int i = Math.min(stops.length - 2, (int) Math.floor(x));
    double f = x - i;
    int[] c = new int[3];
    for (int k = 0; k < 3; k++) {
      c[k] = (int) Math.round(stops[i][k] + f * (stops[i + 1][k] - stops[i][k]));
    }
    return c;
  }
}
