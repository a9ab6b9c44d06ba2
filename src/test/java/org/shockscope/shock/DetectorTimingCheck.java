package org.shockscope.shock;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A JMH-free timing check, not a test: one run of 50 series × 1000 points through
 * {@link ShockDetector#detectRun}, timed after warm-up (wall and thread-CPU time, median of 30
 * repetitions). The series mix the families the detector meets: white and autocorrelated noise,
 * noisy and noise-free decays, one to four fronts, a loss with a plateau drop and a catapult on
 * the log scale, a random walk, and a diverging loss.
 *
 * <p>Run: {@code mvn -o -q test-compile && java -cp target/classes:target/test-classes
 * org.shockscope.shock.DetectorTimingCheck}
 */
public final class DetectorTimingCheck {
  private DetectorTimingCheck() {}

  public static void main(String[] args) {
    List<SeriesData> run = run(new Random(42));
    ShockDetector detector = new ShockDetector(DetectorConfig.DEFAULTS);
    int events = 0;
    for (int i = 0; i < 20; i++) {
      events = detector.detectRun(run).shocks().size();
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int reps = 30;
    double[] wall = new double[reps];
    double[] cpu = new double[reps];
    for (int i = 0; i < reps; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      RunShocks r = detector.detectRun(run);
      wall[i] = (System.nanoTime() - t0) / 1e6;
      cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
      events = r.shocks().size() + r.transitions().size();
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    System.out.printf("50 series x 1000 points: median %.1f ms wall (min %.1f), %.1f ms CPU "
        + "(min %.1f); %d events and transitions%n", wall[reps / 2], wall[0], cpu[reps / 2],
        cpu[0], events);
  }

  private static List<SeriesData> run(Random r) {
    int n = 1000;
    long[] steps = Synthetic.regularSteps(n, 10);
    List<SeriesData> out = new ArrayList<>();
    for (int k = 0; k < 50; k++) {
      double[] y = new double[n];
      switch (k % 10) {
        case 0 -> Synthetic.gaussian(y, 1.0, r);
        case 1 -> {
          double x = 0;
          for (int i = 0; i < n; i++) {
            x = 0.9 * x + 0.44 * r.nextGaussian();
            y[i] = x;
          }
        }
        case 2 -> {
          for (int i = 0; i < n; i++) {
            y[i] = 5 * Math.exp(-steps[i] / 2000.0) + 0.2 * r.nextGaussian();
          }
        }
        case 3 -> {
          for (int i = 0; i < n; i++) {
            y[i] = 1 - Math.exp(-steps[i] / 1500.0);
          }
        }
        case 4 -> System.arraycopy(Synthetic.gaussian(
            Synthetic.tanh(steps, 0, 3, 4000 + 37 * k, 50), 0.5, r), 0, y, 0, n);
        case 5 -> {
          double[] centers = {1500, 3600, 5200, 8000};
          for (int j = 0; j < 4; j++) {
            double[] f = Synthetic.tanh(steps, 0, 2 + j, centers[j], 10 + 40 * j);
            for (int i = 0; i < n; i++) {
              y[i] += f[i];
            }
          }
          Synthetic.gaussian(y, 0.2, r);
        }
        case 6 -> {
          for (int i = 0; i < n; i++) {
            double t = steps[i];
            double drop = 0.5 * Math.log(0.1) * (1 + Math.tanh((t - 5000) / 300));
            double bump = 30 * Math.exp(-Math.pow((t - 2000) / 40.0, 2));
            y[i] = (0.1 + 0.9 * Math.exp(-t / 100.0) + bump) * Math.exp(drop)
                * Math.exp(0.1 * r.nextGaussian());
          }
        }
        case 7 -> {
          double x = 0;
          for (int i = 0; i < n; i++) {
            x += r.nextGaussian();
            y[i] = x;
          }
        }
        case 8 -> {
          for (int i = 0; i < n; i++) {
            double u = 6 / (1 + (6 / 1e-3 - 1) * Math.exp(-2 * 6 * 0.001 * steps[i]));
            y[i] = u * (1 + 0.01 * r.nextGaussian());
          }
        }
        default -> {
          for (int i = 0; i < n; i++) {
            double t = steps[i];
            y[i] = (1 + (t > 8000 ? Math.exp((t - 8000) / 100.0) : 0))
                * Math.exp(0.05 * r.nextGaussian());
          }
        }
      }
      out.add(new SeriesData("s" + k, "g" + (k % 5), steps, y));
    }
    return out;
  }
}
