import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares the tables of two analyses of the same sweep (say before and after a change to the
 * models or the kernels): per table, the row counts, whether the schemas are equal, how many
 * non-double fields differ and the largest relative difference of a double field (of an array
 * element for the spectra), rows taken in the order written (the aggregate tables are sorted),
 * observables, spectra and runs sorted by their keys, the per-run event tables (shocks,
 * transitions, fronts, forecasts) by all their columns, run first (they are written in the order
 * their tasks end). Run as a single-file program:
 * <pre>
 *   java $(sed -n 's:.*&lt;spark.module.options&gt;\(.*\)&lt;/spark.module.options&gt;.*:\1:p' pom.xml) \
 *     -cp "target/classes:$(cat target/classpath.txt)" src/bench/CompareTables.java OLD NEW
 * </pre>
 */
public class CompareTables {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master("local[1]")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    for (String t : List.of("observables", "spectra", "phase_stats", "phase_boundary",
        "survival", "importance", "viscosity_law", "runs", "shocks", "transitions", "fronts",
        "forecasts")) {
      Dataset<Row> x = sorted(spark.read().parquet(args[0] + "/" + t), t);
      Dataset<Row> y = sorted(spark.read().parquet(args[1] + "/" + t), t);
      List<Row> rx = x.collectAsList();
      List<Row> ry = y.collectAsList();
      double maxRel = 0;
      double maxAbs = 0;
      String worst = "";
      int otherDiffs = 0;
      for (int i = 0; i < Math.min(rx.size(), ry.size()); i++) {
        for (int c = 0; c < rx.get(i).length(); c++) {
          Object u = rx.get(i).get(c);
          Object v = ry.get(i).get(c);
          String field = x.schema().fields()[c].name();
          if (u instanceof scala.collection.Seq<?> su && v instanceof scala.collection.Seq<?> sv
              && su.size() == sv.size() && su.nonEmpty() && su.apply(0) instanceof Double) {
            // arrays of doubles (spectra): element by element
            for (int e = 0; e < su.size(); e++) {
              double du = (Double) su.apply(e);
              double dv = (Double) sv.apply(e);
              double r = du == dv ? 0
                  : Math.abs(du - dv) / Math.max(Math.abs(du), Math.abs(dv));
              maxAbs = Math.max(maxAbs, du == dv ? 0 : Math.abs(du - dv));
              if (r > maxRel) {
                maxRel = r;
                worst = field + "[" + e + "] " + du + " vs " + dv;
              }
            }
          } else if (u instanceof Double du && v instanceof Double dv) {
            double r = du.equals(dv) ? 0
                : Math.abs(du - dv) / Math.max(Math.abs(du), Math.abs(dv));
            maxAbs = Math.max(maxAbs, du.equals(dv) ? 0 : Math.abs(du - dv));
            if (r > maxRel) {
              maxRel = r;
              worst = field + " " + du + " vs " + dv;
            }
          } else if (!Objects.equals(String.valueOf(u), String.valueOf(v))) {
            otherDiffs++;
          }
        }
      }
      System.out.printf("%s: rows %d/%d, schema %s, other fields differing %d, "
          + "max absolute difference %.3g, max relative difference %.3g %s%n", t, rx.size(),
          ry.size(),
          x.schema().equals(y.schema()) ? "same" : "DIFFERENT", otherDiffs, maxAbs, maxRel, worst);
    }
    spark.stop();
  }

  /** The per-checkpoint tables in key order (they are written in task order). */
  private static Dataset<Row> sorted(Dataset<Row> d, String table) {
    return switch (table) {
      case "observables" -> d.orderBy("run_id", "step", "group", "name");
      case "spectra" -> d.orderBy("run_id", "step", "group", "matrix");
      case "runs" -> d.orderBy("run_id");
      case "shocks", "transitions", "fronts", "forecasts" -> d.orderBy(
          java.util.Arrays.stream(d.columns()).map(org.apache.spark.sql.functions::col)
              .toArray(org.apache.spark.sql.Column[]::new));
      default -> d;
    };
  }
}
