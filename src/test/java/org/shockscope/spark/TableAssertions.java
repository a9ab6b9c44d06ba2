package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Comparison of output tables written by two runs of the job. */
final class TableAssertions {
  private TableAssertions() {}

  /**
   * A table's rows, sorted by their non-floating-point fields. Executors of the cluster may run
   * another LAPACK build (or thread count) than the local JVM, so doubles are compared to a
   * relative 1e-9 — the invariance tolerance of SPEC §4 — and everything else exactly. Rows
   * whose other fields agree (cells told apart only by numeric hyperparameters) are ordered by
   * their doubles, since the two runs read a table's files in different orders.
   */
  static List<Row> rows(SparkSession spark, Path root, String table) {
    return rows(spark.read().parquet(root.resolve(table).toString()));
  }

  /** {@link #rows(SparkSession, Path, String)} of a table however it is stored. */
  static List<Row> rows(Dataset<Row> table) {
    return table.collectAsList().stream()
        .sorted(java.util.Comparator.comparing(TableAssertions::key)
            .thenComparing(TableAssertions::compareDoubles)).toList();
  }

  private static int compareDoubles(Row a, Row b) {
    for (int i = 0; i < a.length(); i++) {
      if (a.get(i) instanceof Double x && b.get(i) instanceof Double y) {
        int c = Double.compare(x, y);
        if (c != 0) {
          return c;
        }
      }
    }
    return 0;
  }

  static String key(Row r) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < r.length(); i++) {
      Object v = r.get(i);
      if (v instanceof scala.collection.Map<?, ?> m) {
        // map columns come back as hash maps whose iteration order is not part of the value
        v = new java.util.TreeMap<>(scala.jdk.javaapi.CollectionConverters.asJava(m));
      }
      b.append(v instanceof Double || v instanceof scala.collection.Seq<?> ? "~" : v).append('|');
    }
    return b.toString();
  }

  static void assertSameRows(List<Row> expected, List<Row> actual, String table) {
    assertEquals(expected.size(), actual.size(), table + " row count");
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = actual.get(i);
      assertEquals(key(e), key(a), table);
      for (int c = 0; c < e.length(); c++) {
        if (e.get(c) instanceof Double x) {
          double y = a.getDouble(c);
          assertTrue(x.equals(y) || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)),
              table + " " + e + " vs " + a);
        }
      }
    }
  }

}
