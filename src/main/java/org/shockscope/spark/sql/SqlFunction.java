package org.shockscope.spark.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.ApplyFunctionExpression;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One SQL function: its name and documentation ({@code DESCRIBE FUNCTION}), its signatures, and
 * how a call becomes a Catalyst expression.
 *
 * <p>As a V2 {@link UnboundFunction}, {@link #bind} picks the signature with the call's number of
 * arguments and checks that every argument converts to the declared type: numbers (any numeric
 * SQL type) to DOUBLE, integers (TINYINT to BIGINT) to BIGINT, arrays element-wise, NULL to
 * anything. The {@link #builder()} registered with Spark binds the resolved arguments and wraps
 * the bound {@link ScalarFunction} in an {@link ApplyFunctionExpression}, whose implicit casts
 * convert the arguments; an unusable call fails analysis with Spark's own
 * {@code WRONG_NUM_ARGS} or {@code UNEXPECTED_INPUT_TYPE} error.
 */
public final class SqlFunction implements UnboundFunction {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String usage;
  private final String arguments;
  private final String examples;
  private final List<ScalarFunction<?>> signatures;

  /**
   * @param name       the SQL name
   * @param usage      one line per signature, {@code _FUNC_(args) - what it returns}
   * @param arguments  the arguments block of {@code DESCRIBE FUNCTION EXTENDED} (Spark's layout:
   *                   a line {@code "    Arguments:"} then {@code "      * name - meaning"})
   * @param examples   the examples block ({@code "    Examples:"}, then {@code "      > SELECT
   *                   ...;"} lines each followed by the result)
   * @param signatures one bound function per accepted number of arguments
   */
  SqlFunction(String name, String usage, String arguments, String examples,
              List<ScalarFunction<?>> signatures) {
    this.name = name;
    this.usage = usage;
    this.arguments = arguments;
    this.examples = examples;
    this.signatures = List.copyOf(signatures);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return usage.replace("_FUNC_", name);
  }

  /** The examples block, with {@code _FUNC_} standing for the name. */
  public String examples() {
    return examples;
  }

  /** The signatures, one per accepted number of arguments. */
  public List<ScalarFunction<?>> signatures() {
    return signatures;
  }

  @Override
  public ScalarFunction<?> bind(StructType input) {
    StructField[] fields = input.fields();
    ScalarFunction<?> match = null;
    StringJoiner counts = new StringJoiner(" or ");
    for (ScalarFunction<?> s : signatures) {
      counts.add(String.valueOf(s.inputTypes().length));
      if (s.inputTypes().length == fields.length) {
        match = s;
      }
    }
    if (match == null) {
      throw FunctionArgumentException.wrongCount(name, counts.toString(), fields.length);
    }
    DataType[] declared = match.inputTypes();
    for (int i = 0; i < fields.length; i++) {
      if (!converts(fields[i].dataType(), declared[i])) {
        throw FunctionArgumentException.wrongType(name, i, declared[i], fields[i].name(),
            fields[i].dataType());
      }
    }
    return match;
  }

  /** Whether a value of type {@code from} converts to {@code to} by an implicit cast we accept. */
  static boolean converts(DataType from, DataType to) {
    if (from instanceof NullType) {
      return true;
    }
    if (to.equals(DataTypes.DoubleType)) {
      return from instanceof NumericType;
    }
    if (to.equals(DataTypes.LongType)) {
      return from instanceof ByteType || from instanceof ShortType || from instanceof IntegerType
          || from instanceof LongType;
    }
    if (to instanceof ArrayType t) {
      return from instanceof ArrayType f && converts(f.elementType(), t.elementType());
    }
    return false;
  }

  /** The name Spark resolves: unqualified, like a built-in function. */
  FunctionIdentifier identifier() {
    return new FunctionIdentifier(name);
  }

  /** The {@code DESCRIBE FUNCTION} information. */
  ExpressionInfo info() {
    return new ExpressionInfo(getClass().getName(), null, name, usage, arguments, examples, "",
        "math_funcs", "", "", "");
  }

  /**
   * The expression builder Spark calls with the call's arguments once they are resolved: binds
   * them and returns the expression that evaluates the function.
   */
  Function1<Seq<Expression>, Expression> builder() {
    return this::expression;
  }

  private Expression expression(Seq<Expression> children) {
    List<Expression> args = new ArrayList<>(CollectionConverters.asJava(children));
    StructType input = new StructType();
    for (Expression e : args) {
      input = input.add(e.sql(), e.dataType(), e.nullable());
    }
    ScalarFunction<?> bound;
    try {
      bound = bind(input);
    } catch (FunctionArgumentException e) {
      throw rethrow(e.toAnalysisException());
    }
    Expression e = new ApplyFunctionExpression(bound, children);
    // The call's SQL text and default column name use this tag (kept through plan rewrites), as
    // for Spark's aliased built-ins: effective_rank(sv), not applyfunctionexpression(sv).
    e.setTagValue(FunctionRegistry.FUNC_ALIAS(), name);
    return e;
  }

  /**
   * Throws a checked exception through {@link Function1#apply}, which declares none: Spark's
   * analyzer expects the {@link org.apache.spark.sql.AnalysisException} itself (Scala has no
   * checked exceptions), not a wrapper.
   */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException rethrow(Throwable e) throws E {
    throw (E) e;
  }
}
