package org.shockscope.spark.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.types.DataType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A SQL function called with arguments it cannot take: the wrong number, or a type that does not
 * convert to the declared one. {@link SqlFunction#bind} throws it, as the V2 function contract
 * asks (an {@link UnsupportedOperationException}); the expression builder turns it into Spark's
 * own {@link AnalysisException} with a standard error condition, so that the query fails at
 * analysis with the message Spark gives for its built-in functions.
 */
final class FunctionArgumentException extends UnsupportedOperationException {
  private static final long serialVersionUID = 1L;
  private static final String DOC_ROOT = "https://spark.apache.org/docs/latest";
  private static final String[] ORDINALS = {"first", "second", "third", "fourth", "fifth"};

  private final String condition;
  private final Map<String, String> parameters;

  private FunctionArgumentException(String condition, Map<String, String> parameters,
                                    String message) {
    super(message);
    this.condition = condition;
    this.parameters = parameters;
  }

  /** The call has {@code actual} arguments; the function takes {@code expected} (e.g. "1 or 3"). */
  static FunctionArgumentException wrongCount(String function, String expected, int actual) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("functionName", "`" + function + "`");
    p.put("expectedNum", expected);
    p.put("actualNum", String.valueOf(actual));
    p.put("docroot", DOC_ROOT);
    return new FunctionArgumentException("WRONG_NUM_ARGS.WITHOUT_SUGGESTION", p,
        function + " takes " + expected + " arguments, got " + actual);
  }

  /** Argument {@code index} (0-based), the expression {@code sql}, has a type that does not convert. */
  static FunctionArgumentException wrongType(String function, int index, DataType required,
                                             String sql, DataType actual) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("paramIndex", index < ORDINALS.length ? ORDINALS[index] : (index + 1) + "th");
    p.put("functionName", "`" + function + "`");
    p.put("requiredType", "\"" + required.sql() + "\"");
    p.put("inputSql", "\"" + sql + "\"");
    p.put("inputType", "\"" + actual.sql() + "\"");
    return new FunctionArgumentException("UNEXPECTED_INPUT_TYPE", p,
        function + " argument " + (index + 1) + " (" + sql + ") must convert to "
            + required.sql() + ", got " + actual.sql());
  }

  /** Spark's analysis error for this problem. */
  AnalysisException toAnalysisException() {
    return new AnalysisException(condition,
        scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(parameters)));
  }
}
