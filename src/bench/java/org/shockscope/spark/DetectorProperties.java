package org.shockscope.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.RunShocks;
import org.shockscope.shock.SeriesData;
import org.shockscope.shock.ShockDetector;
import org.shockscope.shock.ShockEvent;
import org.shockscope.shock.Transition;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.SweepDiscovery;

/**
 * Property checks of the detector on an analysed lab (the series a {@link DetectorReplay} cache
 * holds and the sweep's metrics, as the job's detection stage sees them), per run:
 * <ul>
 *   <li><b>units</b>: every series' events are the same after its values are multiplied by 2,
 *       1/ln 2, 1 + 1e-12, 1e-6 and 1e4 (a loss in bits, summed, or differently rounded in its
 *       last bit) and after its steps are shifted by 10⁶ or multiplied by 32 (steps mapped back,
 *       to one step);</li>
 *   <li><b>order</b>: the run's shocks and transitions are the same with its series shuffled
 *       (three orders) and from a detector that analysed the run before it;</li>
 *   <li><b>rounded</b> (a measurement, not a property): how many runs' {@code loss} gains events
 *       when logged rounded to four decimals, as the Hugging Face Trainer writes it.</li>
 * </ul>
 * Prints the counts and the first differences of each.
 *
 * <pre>
 *   src/bench/detector-properties.sh CACHE LAB [MAX_RUNS]
 * </pre>
 */
public final class DetectorProperties {
  private static final double[] FACTORS = {2.0, 1.0 / Math.log(2.0), 1.0 + 1e-12, 1e-6, 1e4};
  private static final int SHOWN = 5;

  /** An event of one series: its kind and its step, mapped back to the original steps. */
  private record Event(String kind, long step) {
    @Override
    public String toString() {
      return kind + "@" + step;
    }
  }

  private DetectorProperties() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: DetectorProperties CACHE LAB [MAX_RUNS]");
      System.exit(2);
    }
    int maxRuns = args.length > 2 ? Integer.parseInt(args[2]) : Integer.MAX_VALUE;
    Map<String, List<Row>> byRun = DetectorReplay.load(args[0], RunDetection.DEFAULT_MODES);
    for (RunInfo r : SweepDiscovery.discover(DetectorReplay.sweepFolder(args[1]),
        new Configuration()).runs()) {
      List<Row> rows = byRun.get(r.runId());
      if (rows != null) {
        DetectorReplay.addMetrics(rows, r);
      }
    }
    DetectorConfig config = DetectorConfig.DEFAULTS;
    ShockDetector fresh = new ShockDetector(config);
    ShockDetector reused = new ShockDetector(config);
    int runs = 0;
    int series = 0;
    int unitDiffs = 0;
    int orderDiffs = 0;
    int lossRuns = 0;
    int roundedMore = 0;
    int shown = 0;
    for (Map.Entry<String, List<Row>> e : byRun.entrySet()) {
      if (runs >= maxRuns) {
        break;
      }
      runs++;
      List<SeriesData> run = RunDetection.seriesOf(e.getValue().iterator());
      for (SeriesData s : run) {
        series++;
        List<Event> base = events(fresh, s, 1.0, 0L, 1L);
        String changed = null;
        for (double f : FACTORS) {
          List<Event> now = events(fresh, s, f, 0L, 1L);
          changed = within(now, base) ? changed : "x" + f + " " + now;
        }
        for (long[] shift : new long[][] {{1_000_000L, 1L}, {0L, 32L}}) {
          List<Event> now = events(fresh, s, 1.0, shift[0], shift[1]);
          changed = within(now, base) ? changed
              : "steps+" + shift[0] + "*" + shift[1] + " " + now;
        }
        if (changed != null) {
          unitDiffs++;
          if (shown++ < SHOWN) {
            System.out.printf("UNITS %s %s%n  base %s%n  now  %s%n", e.getKey(),
                s.group().isEmpty() ? s.name() : s.group() + "/" + s.name(), base, changed);
          }
        }
        if (s.group().isEmpty() && s.name().equals("loss")) {
          lossRuns++;
          double[] rounded = new double[s.values().length];
          for (int i = 0; i < rounded.length; i++) {
            rounded[i] = Math.round(s.values()[i] * 1e4) / 1e4;
          }
          roundedMore += events(fresh, new SeriesData(s.name(), s.group(), s.steps(), rounded),
              1.0, 0L, 1L).size() > base.size() ? 1 : 0;
        }
      }
      List<String> base = described(fresh.detectRun(run));
      String changed = null;
      for (int seed = 0; seed < 3; seed++) {
        List<SeriesData> shuffled = new ArrayList<>(run);
        Collections.shuffle(shuffled, new Random(seed));
        List<String> now = described(new ShockDetector(config).detectRun(shuffled));
        changed = now.equals(base) ? changed : "order " + seed + " " + now;
      }
      List<String> now = described(reused.detectRun(run));
      changed = now.equals(base) ? changed : "reused " + now;
      if (changed != null) {
        orderDiffs++;
        if (shown++ < 2 * SHOWN) {
          System.out.printf("ORDER %s%n  base %s%n  now  %s%n", e.getKey(), base, changed);
        }
      }
    }
    System.out.printf("runs %d, series %d: units differ in %d series, order or reuse in %d runs;"
        + " rounded to 4 decimals, %d of %d losses gain events%n", runs, series, unitDiffs,
        orderDiffs, roundedMore, lossRuns);
  }

  /**
   * Kind and step of each event of s, its values times f and its steps a·step + b, the steps
   * mapped back.
   */
  private static List<Event> events(ShockDetector d, SeriesData s, double f, long b, long a) {
    long[] steps = new long[s.steps().length];
    double[] values = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = a * s.steps()[i] + b;
      values[i] = f * s.values()[i];
    }
    List<Event> out = new ArrayList<>();
    for (ShockEvent e : d.detect(s.name(), s.group(), steps, values)) {
      out.add(new Event(e.kind(), Math.round((double) (e.step() - b) / a)));
    }
    return out;
  }

  /**
   * Whether two event lists have the same kinds in the same order, their steps within one step:
   * a centre between samples rounds to a step of either scale.
   */
  private static boolean within(List<Event> a, List<Event> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).kind().equals(b.get(i).kind())
          || Math.abs(a.get(i).step() - b.get(i).step()) > 1) {
        return false;
      }
    }
    return true;
  }

  /** A run's shocks and transitions, each series list sorted, the shocks in a fixed order. */
  private static List<String> described(RunShocks r) {
    List<String> out = new ArrayList<>();
    for (ShockEvent e : r.shocks()) {
      out.add(e.qualifiedSeries() + " " + e.kind() + "@" + e.step());
    }
    Collections.sort(out);
    for (Transition t : r.transitions()) {
      List<String> s = new ArrayList<>(t.series());
      Collections.sort(s);
      out.add(t.kind() + "@" + t.step() + " " + s);
    }
    return out;
  }
}
