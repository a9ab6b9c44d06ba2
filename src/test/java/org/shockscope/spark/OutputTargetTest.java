package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.shockscope.ShockscopeException;

/** The rule that tells an output folder from a catalog namespace, without Spark. */
class OutputTargetTest {
  /** The catalogs of a session that has {@code spark_catalog} and a Unity Catalog {@code main}. */
  private static final Predicate<String> CATALOGS = Set.of("spark_catalog", "main")::contains;

  private static OutputTarget of(String out) {
    return OutputTarget.resolve(out, CATALOGS);
  }

  @Test
  void foldersStayFolders() {
    for (String path : new String[] {"out", "./out", "/tmp/out", "out/main.shockscope",
        "./main.shockscope", "results.v2", "s3a://bucket/main.shockscope", "file:/tmp/o",
        "main.shockscope.runs", "main.", "main.2026", "C:\\tables"}) {
      OutputTarget t = of(path);
      assertFalse(t.isCatalog(), path);
      assertEquals(path, t.path(), path);
      assertEquals(path, t.toString());
    }
  }

  @Test
  void aTwoPartNameOfAKnownCatalogIsANamespace() {
    OutputTarget t = of("main.shockscope");
    assertTrue(t.isCatalog());
    assertEquals("main", t.catalog());
    assertEquals("main.shockscope", t.toString());
    assertEquals("`main`.`shockscope`.`runs`", t.tableSql(Tables.RUNS));
    assertEquals("`main`.`shockscope`.`_state_inputs`", t.tableSql(InputFingerprints.TABLE));
    assertThrows(IllegalStateException.class, t::path);
  }

  @Test
  void thePrefixMakesANamespaceOfOneOrTwoParts() {
    OutputTarget one = of("catalog:shockscope");
    assertTrue(one.isCatalog());
    assertEquals(null, one.catalog());
    assertEquals("`shockscope`.`shocks`", one.tableSql(Tables.SHOCKS));
    OutputTarget two = of("catalog:`dev-team`.sweeps");
    assertEquals("dev-team", two.catalog());
    assertEquals("`dev-team`.`sweeps`.`errors`", two.tableSql(Tables.ERRORS));
    // the prefix needs no known catalog: the job says so when it cannot create the namespace
    assertTrue(of("catalog:other.schema").isCatalog());
  }

  @Test
  void aMalformedNamespaceIsRefusedWithTheExpectedForm() {
    for (String bad : new String[] {"catalog:", "catalog:a.b.c", "catalog:a/b", "catalog:a.",
        "catalog:`a", "catalog:a b"}) {
      ShockscopeException e = assertThrows(ShockscopeException.class, () -> of(bad), bad);
      assertEquals("--out " + bad + ": expected catalog:SCHEMA or catalog:CATALOG.SCHEMA, each "
          + "an identifier (letters, digits, _) or a `quoted` name", e.getMessage());
    }
  }
}
