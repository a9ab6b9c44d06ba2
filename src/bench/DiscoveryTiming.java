import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepDiscovery;

/**
 * Times the driver's discovery of each sweep given (no Spark): the median wall time of
 * {@code SweepDiscovery.discover} over the repeats, the runs and checkpoints found and the
 * microseconds per run, so that sweeps of 10² to 10⁴ runs show whether discovery grows linearly
 * (issue 14: 10,000 run folders must not be quadratic). Run as a single-file program:
 * <pre>
 *   java -cp "target/classes:$(cat target/classpath.txt)" src/bench/DiscoveryTiming.java \
 *     REPEATS SWEEP...
 * </pre>
 */
public class DiscoveryTiming {
  public static void main(String[] args) {
    int repeats = Integer.parseInt(args[0]);
    Configuration conf = new Configuration();
    for (int a = 1; a < args.length; a++) {
      List<Double> seconds = new ArrayList<>();
      long runs = 0;
      long checkpoints = 0;
      for (int i = 0; i < repeats; i++) {
        long t0 = System.nanoTime();
        Sweep s = SweepDiscovery.discover(args[a], conf);
        seconds.add((System.nanoTime() - t0) / 1e9);
        runs = s.runs().size();
        checkpoints = 0;
        for (RunInfo r : s.runs()) {
          checkpoints += r.checkpoints().size();
        }
      }
      Collections.sort(seconds);
      double median = seconds.get(seconds.size() / 2);
      System.out.printf("%s: %d runs, %d checkpoints, discovery median %.2f s of %s"
          + " (%.0f us per run)%n", args[a], runs, checkpoints, median, seconds,
          1e6 * median / Math.max(1, runs));
    }
  }
}
