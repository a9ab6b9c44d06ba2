package org.shockscope.spark.sql;

import org.apache.spark.sql.SparkSessionExtensions;
import scala.Function1;
import scala.Tuple3;
import scala.runtime.BoxedUnit;

/**
 * Spark session extension that adds shockscope's SQL functions ({@link ShockscopeFunctions}) to
 * every session it builds. Enable it when the session starts, with the jar on the driver's
 * classpath:
 * <pre>  spark.sql.extensions=org.shockscope.spark.sql.ShockscopeExtensions</pre>
 * (for example {@code --conf} of {@code spark-submit}, or a cluster's Spark config). For a session
 * that is already running, use {@link ShockscopeFunctions#register} instead.
 */
public final class ShockscopeExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    for (SqlFunction f : ShockscopeFunctions.all()) {
      extensions.injectFunction(new Tuple3<>(f.identifier(), f.info(), f.builder()));
    }
    return BoxedUnit.UNIT;
  }
}
