package org.shockscope.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.shockscope.ShockscopeException;

/**
 * The catalog side of a namespace output ({@link OutputTarget#isCatalog()}): making sure the
 * namespace is there before the job writes, and reading its tables for the report.
 */
public final class CatalogNamespace {
  private CatalogNamespace() {}

  /**
   * Creates the namespace when missing; fails with the reason when the catalog is unknown or
   * the namespace cannot be created (no privilege).
   */
  static void create(SparkSession spark, OutputTarget target) {
    try {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + target.namespaceSql());
    } catch (Exception e) {
      // Spark's AnalysisException is checked in Java's eyes but thrown undeclared
      throw new ShockscopeException("Catalog namespace " + target + " does not exist and "
          + "cannot be created" + (target.catalog() == null ? "" : " (is '" + target.catalog()
          + "' a catalog of this Spark session?)") + ": " + firstLine(e), e);
    }
  }

  /**
   * The tables of a namespace by their output name; a table the namespace lacks maps to null.
   *
   * @throws ShockscopeException when the namespace does not exist
   */
  public static Map<String, Dataset<Row>> tables(SparkSession spark, OutputTarget target,
                                                 List<String> names) {
    if (!exists(spark, target)) {
      throw new ShockscopeException("Catalog namespace " + target + " does not exist");
    }
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (String t : names) {
      String name = target.tableSql(t);
      out.put(t, spark.catalog().tableExists(name) ? spark.read().table(name) : null);
    }
    return out;
  }

  private static boolean exists(SparkSession spark, OutputTarget target) {
    try {
      spark.sql("DESCRIBE NAMESPACE " + target.namespaceSql()).collectAsList();
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
