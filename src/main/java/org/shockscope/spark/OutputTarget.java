package org.shockscope.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.shockscope.ShockscopeException;

/**
 * Where {@code --out} puts the tables: an output folder (any Hadoop URI) or a catalog namespace
 * whose managed tables are named {@code <catalog>.<schema>.<table>} (SPEC §7).
 *
 * <p>The rule, so that a folder never becomes a namespace by accident:
 * <ol>
 *   <li>{@code catalog:SCHEMA} or {@code catalog:CATALOG.SCHEMA} is always a namespace
 *       ({@code SCHEMA} alone: in the session's current catalog);</li>
 *   <li>otherwise a value is a namespace only when it is exactly two identifiers joined by one
 *       dot ({@code main.shockscope}: letters, digits and {@code _}, no {@code /}, no scheme)
 *       <em>and</em> its first part names a catalog the session knows ({@code spark_catalog},
 *       a {@code spark.sql.catalog.<name>} setting, or one the session lists, such as Unity
 *       Catalog's);</li>
 *   <li>everything else is a path: {@code out}, {@code ./main.shockscope},
 *       {@code results.v2} when there is no catalog {@code results}, {@code s3a://b/o}.</li>
 * </ol>
 */
public final class OutputTarget {
  /** The prefix that makes {@code --out} a catalog namespace whatever it looks like. */
  public static final String CATALOG_PREFIX = "catalog:";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern QUOTED = Pattern.compile("`[^`]+`");

  private final String path;
  /** Unquoted namespace parts (one or two), or null for a path. */
  private final List<String> namespace;

  private OutputTarget(String path, List<String> namespace) {
    this.path = path;
    this.namespace = namespace;
  }

  /** Resolves {@code out} against the catalogs of {@code spark}. */
  public static OutputTarget resolve(String out, SparkSession spark) {
    return resolve(out, name -> knownCatalog(spark, name));
  }

  /**
   * Resolves {@code out}.
   *
   * @param isCatalog whether a name is a catalog of the session (asked only of the first part
   *                  of a two-part name without the prefix)
   */
  public static OutputTarget resolve(String out, Predicate<String> isCatalog) {
    String s = out.trim();
    if (s.regionMatches(true, 0, CATALOG_PREFIX, 0, CATALOG_PREFIX.length())) {
      List<String> parts = parts(s.substring(CATALOG_PREFIX.length()));
      if (parts == null || parts.size() > 2) {
        throw new ShockscopeException("--out " + out + ": expected " + CATALOG_PREFIX
            + "SCHEMA or " + CATALOG_PREFIX + "CATALOG.SCHEMA, each an identifier (letters, "
            + "digits, _) or a `quoted` name");
      }
      return new OutputTarget(null, parts);
    }
    String[] dotted = s.split("\\.", -1);
    if (dotted.length == 2 && IDENTIFIER.matcher(dotted[0]).matches()
        && IDENTIFIER.matcher(dotted[1]).matches() && isCatalog.test(dotted[0])) {
      return new OutputTarget(null, List.of(dotted[0], dotted[1]));
    }
    return new OutputTarget(s, null);
  }

  /** Splits {@code a.b} / {@code `a`.b} into unquoted parts; null when malformed. */
  private static List<String> parts(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i <= s.length()) {
      int end = s.startsWith("`", i) ? s.indexOf('`', i + 1) + 1 : s.indexOf('.', i);
      if (end == 0) {
        return null;
      }
      if (end < 0) {
        end = s.length();
      }
      String part = s.substring(i, end);
      if (QUOTED.matcher(part).matches()) {
        out.add(part.substring(1, part.length() - 1));
      } else if (IDENTIFIER.matcher(part).matches()) {
        out.add(part);
      } else {
        return null;
      }
      if (end == s.length()) {
        return out;
      }
      if (s.charAt(end) != '.') {
        return null;
      }
      i = end + 1;
    }
    return null;
  }

  private static boolean knownCatalog(SparkSession spark, String name) {
    if (name.equalsIgnoreCase("spark_catalog")
        || spark.conf().getOption("spark.sql.catalog." + name).isDefined()) {
      return true;
    }
    try {
      // Unity Catalog's catalogs are listed, not configured
      for (Row r : spark.sql("SHOW CATALOGS").collectAsList()) {
        if (r.getString(0).equalsIgnoreCase(name)) {
          return true;
        }
      }
    } catch (Exception e) {
      // a session that cannot list catalogs has none beyond those configured
    }
    return false;
  }

  /** Whether the tables go to a catalog namespace. */
  public boolean isCatalog() {
    return namespace != null;
  }

  /** The output folder; only for a path. */
  public String path() {
    if (path == null) {
      throw new IllegalStateException("catalog output " + this + " has no folder");
    }
    return path;
  }

  /** The namespace as SQL, each part quoted: {@code `main`.`shockscope`}. */
  public String namespaceSql() {
    return String.join(".", namespace.stream().map(OutputTarget::quote).toList());
  }

  /** The catalog part, or null when the namespace is one schema of the current catalog. */
  public String catalog() {
    return namespace.size() == 2 ? namespace.get(0) : null;
  }

  /**
   * The SQL name of an output table, each part quoted. Table names with a folder
   * ({@code _state/inputs}) become one name ({@code _state_inputs}), lower case as catalogs
   * store them.
   */
  public String tableSql(String table) {
    return namespaceSql() + "." + quote(tableName(table));
  }

  /** The catalog name of an output table: {@code _state/inputs} → {@code _state_inputs}. */
  static String tableName(String table) {
    return table.replace('/', '_').toLowerCase(Locale.ROOT);
  }

  private static String quote(String part) {
    return "`" + part + "`";
  }

  /** The path, or the namespace as {@code catalog.schema}. */
  @Override
  public String toString() {
    return path != null ? path : String.join(".", namespace);
  }
}
