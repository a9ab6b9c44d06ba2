import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares the aggregate tables of two analyses of the same sweep (say before and after a
 * change to the models): per table, the row counts, whether the schemas are equal, how many
 * non-double fields differ and the largest relative difference of a double field, rows taken
 * in the order written (the aggregate tables are sorted). Run as a single-file program:
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
    for (String t : List.of("phase_stats", "phase_boundary", "survival", "importance",
        "viscosity_law", "runs", "shocks")) {
      Dataset<Row> x = spark.read().parquet(args[0] + "/" + t);
      Dataset<Row> y = spark.read().parquet(args[1] + "/" + t);
      List<Row> rx = x.collectAsList();
      List<Row> ry = y.collectAsList();
      double maxRel = 0;
      String worst = "";
      int otherDiffs = 0;
      for (int i = 0; i < Math.min(rx.size(), ry.size()); i++) {
        for (int c = 0; c < rx.get(i).length(); c++) {
          Object u = rx.get(i).get(c);
          Object v = ry.get(i).get(c);
          String field = x.schema().fields()[c].name();
          if (u instanceof Double du && v instanceof Double dv) {
            double r = du.equals(dv) ? 0
                : Math.abs(du - dv) / Math.max(Math.abs(du), Math.abs(dv));
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
          + "max relative difference %.3g %s%n", t, rx.size(), ry.size(),
          x.schema().equals(y.schema()) ? "same" : "DIFFERENT", otherDiffs, maxRel, worst);
    }
    spark.stop();
  }
}
