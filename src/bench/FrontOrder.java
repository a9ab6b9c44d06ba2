import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The order in which a transition's front reaches the layers of deep linear chains of one
 * depth, and how consistent it is across seeds (issue 18 acceptance), from an analysis's
 * {@code fronts} and {@code runs} tables.
 *
 * <p>A transition's <em>layer order</em> is its layer fronts ({@code depth} not NULL) sorted by
 * {@code arrival_order}, written with the layer indices, {@code <} between successive ranks and
 * {@code =} within a rank (e.g. {@code 2<1<0}, {@code 0=1=2}). Only transitions with a front in
 * every layer of the chain are ordered; the others are counted. Printed: per transition the
 * run, seed, transition step, order, lag and where the end-to-end map's front falls; then the
 * modal order over all of them and its agreement rate (share of transitions with exactly that
 * order), where the end-to-end map's front falls relative to the layers' (after the last,
 * before the first, among them) with its lag behind the last layer, and per cell (the runs' hyperparameters except the seed) and transition index (k-th
 * ordered transition of the run) the modal order and its agreement across seeds. Run as a
 * single-file program:
 * <pre>
 *   java $(sed -n 's:.*&lt;spark.module.options&gt;\(.*\)&lt;/spark.module.options&gt;.*:\1:p' pom.xml) \
 *     -cp "target/classes:$(cat target/classpath.txt)" src/bench/FrontOrder.java TABLES [DEPTH [MIN_SEED]]
 * </pre>
 */
public class FrontOrder {
  public static void main(String[] args) {
    String tables = args[0];
    int depth = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long minSeed = args.length > 2 ? Long.parseLong(args[2]) : Long.MIN_VALUE;
    SparkSession spark = SparkSession.builder().master("local[1]")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    var runs = spark.read().parquet(tables + "/runs")
        .filter(col("depth").cast("int").equalTo(depth)
            .and(col("seed").cast("long").geq(minSeed)));
    Map<String, String> cellOf = new TreeMap<>();
    Map<String, Long> seedOf = new TreeMap<>();
    for (Row r : runs.select("run_id", "params", "seed").collectAsList()) {
      Map<String, String> p = new TreeMap<>(r.getJavaMap(1));
      seedOf.put(r.getString(0), r.getAs("seed") == null ? -1 : ((Number) r.get(2)).longValue());
      p.remove("seed");
      p.remove("lab_seed");
      cellOf.put(r.getString(0), p.toString());
    }
    List<Row> fronts = spark.read().parquet(tables + "/fronts")
        .filter(col("run_id").isin(cellOf.keySet().toArray()))
        .orderBy("run_id", "transition_step", "arrival_order", "depth", "group")
        .collectAsList();
    Map<String, List<Row>> byTransition = new LinkedHashMap<>();
    for (Row f : fronts) {
      byTransition.computeIfAbsent(f.getString(0) + "@" + f.getLong(1), k -> new ArrayList<>())
          .add(f);
    }
    Map<String, Integer> modal = new TreeMap<>();
    Map<String, Map<String, Integer>> perCell = new TreeMap<>();
    Map<String, Integer> indexInRun = new TreeMap<>();
    Map<String, Integer> endToEndPlace = new TreeMap<>();
    List<Long> endToEndLags = new ArrayList<>();
    int ordered = 0;
    int incomplete = 0;
    for (Map.Entry<String, List<Row>> t : byTransition.entrySet()) {
      List<Row> rows = t.getValue();
      String run = rows.get(0).getString(0);
      StringBuilder order = new StringBuilder();
      Set<Integer> layers = new HashSet<>();
      int rank = 0;
      long firstLayer = Long.MAX_VALUE;
      long lastLayer = Long.MIN_VALUE;
      String endToEnd = "-";
      long endToEndStep = Long.MIN_VALUE;
      for (Row f : rows) {
        int a = f.getInt(f.fieldIndex("arrival_order"));
        long step = f.getLong(f.fieldIndex("step"));
        if (f.isNullAt(f.fieldIndex("depth"))) {
          if (f.getString(f.fieldIndex("group")).endsWith("/end_to_end")) {
            endToEnd = "rank " + a + " step " + step;
            endToEndStep = step;
          }
          continue;
        }
        int d = f.getInt(f.fieldIndex("depth"));
        if (!layers.add(d)) {
          continue;
        }
        if (order.length() > 0) {
          order.append(a == rank ? "=" : "<");
        }
        order.append(d);
        rank = a;
        firstLayer = Math.min(firstLayer, step);
        lastLayer = Math.max(lastLayer, step);
      }
      boolean complete = layers.size() == depth;
      System.out.printf("%-60s seed %5d  transition %5d  layers %-8s lag %4s  end_to_end %s%n",
          run, seedOf.get(run), rows.get(0).getLong(1), complete ? order : "(" + order + ")",
          complete ? String.valueOf(lastLayer - firstLayer) : "-", endToEnd);
      if (!complete) {
        incomplete++;
        continue;
      }
      ordered++;
      modal.merge(order.toString(), 1, Integer::sum);
      if (endToEndStep != Long.MIN_VALUE) {
        String where = endToEndStep > lastLayer ? "after" : endToEndStep < firstLayer ? "before"
            : "among";
        endToEndPlace.merge(where, 1, Integer::sum);
        endToEndLags.add(endToEndStep - lastLayer);
      }
      int k = indexInRun.merge(run, 1, Integer::sum);
      perCell.computeIfAbsent(cellOf.get(run) + " #" + k, x -> new TreeMap<>())
          .merge(order.toString(), 1, Integer::sum);
    }
    System.out.printf("%ndepth-%d runs: %d, transitions with a front in every layer: %d, "
        + "without: %d%n", depth, cellOf.size(), ordered, incomplete);
    System.out.println("orders: " + modal);
    String best = modal.entrySet().stream().max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey).orElse("-");
    System.out.printf("modal order %s: %d of %d = %.3f%n", best, modal.getOrDefault(best, 0),
        ordered, ordered == 0 ? Double.NaN : modal.getOrDefault(best, 0) / (double) ordered);
    endToEndLags.sort(null);
    System.out.println("end_to_end front relative to the layers' (ordered transitions): "
        + endToEndPlace + ", steps after the last layer: " + endToEndLags);
    int agree = 0;
    int all = 0;
    for (Map.Entry<String, Map<String, Integer>> c : perCell.entrySet()) {
      int n = c.getValue().values().stream().mapToInt(Integer::intValue).sum();
      var top = c.getValue().entrySet().stream().max(Map.Entry.comparingByValue()).get();
      System.out.printf("  %s: %s in %d of %d seeds %s%n", c.getKey(), top.getKey(),
          top.getValue(), n, c.getValue());
      agree += top.getValue();
      all += n;
    }
    System.out.printf("per cell and transition index: %d of %d agree with their modal order "
        + "= %.3f%n", agree, all, all == 0 ? Double.NaN : agree / (double) all);
    spark.stop();
  }
}
