package org.shockscope.sweep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.shockscope.sweep.ProtoReader.MalformedProtoException;

/**
 * Decodes the scalars of TensorBoard {@code Event} records (one decoder per event file), from
 * the protocol-buffer messages of {@code tensorboard/compat/proto/event.proto},
 * {@code summary.proto} and {@code tensor.proto}; only these fields are read:
 * <pre>
 *   Event          step = 2 (int64), summary = 5
 *   Summary        value = 1 (repeated)
 *   Summary.Value  tag = 1, simple_value = 2 (float), tensor = 8, metadata = 9
 *   SummaryMetadata  plugin_data = 1 { plugin_name = 1 }, data_class = 4
 *   TensorProto    dtype = 1 (DT_FLOAT = 1, DT_DOUBLE = 2), tensor_shape = 2 { dim = 2 { size = 1 } },
 *                  tensor_content = 4, float_val = 5, double_val = 6
 * </pre>
 * A value is a scalar point in either encoding: the older {@code simple_value}, or the newer
 * rank-0 tensor of dtype float or double (in {@code float_val}, {@code double_val} or
 * little-endian {@code tensor_content}) whose tag belongs to the {@code scalars} plugin or the
 * scalar data class. Writers put the metadata only on a tag's first value in a file, so the
 * first metadata seen for a tag decides for all of its values, as in TensorBoard. Values of
 * other plugins (histograms, images, text, hparams) are ignored.
 *
 * <p>Float32 values ({@code simple_value}, {@code DT_FLOAT}) are read as the shortest decimal
 * that rounds to them ({@link #widen}): a trainer that logged 0.6931 wrote the float nearest to
 * it, and this gives back 0.6931 rather than 0.69309997558..., so the series equals the one
 * the same run's JSON logs give.
 */
final class EventDecoder {
  private static final int DT_FLOAT = 1;
  private static final int DT_DOUBLE = 2;
  private static final int DATA_CLASS_SCALAR = 1;
  private static final String SCALARS_PLUGIN = "scalars";

  /** Whether each tag seen with metadata in this file is a scalar tag. */
  private final Map<String, Boolean> scalarTags = new HashMap<>();

  /**
   * One scalar point.
   *
   * @param tag   the value's tag, as written
   * @param value the value (float32 ones widened by {@link #widen})
   */
  record Scalar(String tag, double value) {}

  /**
   * What one record holds.
   *
   * @param step     the event's step (0 when absent, as in proto3)
   * @param scalars  its scalar points, in record order
   * @param problems values of scalar tags that could not be read (each says why)
   */
  record Event(long step, List<Scalar> scalars, List<String> problems) {}

  /** Decodes one record's data. */
  Event decode(byte[] data) throws MalformedProtoException {
    ProtoReader r = new ProtoReader(data, 0, data.length);
    long step = 0;
    List<Scalar> scalars = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    while (r.hasMore()) {
      int f = r.field();
      if (f == 2 && r.wireType() == ProtoReader.VARINT) {
        step = r.varint();
      } else if (f == 5 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        summary(r.message(), scalars, problems);
      } else {
        r.skip();
      }
    }
    return new Event(step, scalars, problems);
  }

  private void summary(ProtoReader r, List<Scalar> scalars, List<String> problems)
      throws MalformedProtoException {
    while (r.hasMore()) {
      if (r.field() == 1 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        value(r.message(), scalars, problems);
      } else {
        r.skip();
      }
    }
  }

  private void value(ProtoReader r, List<Scalar> scalars, List<String> problems)
      throws MalformedProtoException {
    String tag = "";
    Float simple = null;
    ProtoReader tensor = null;
    Boolean scalarMetadata = null;
    while (r.hasMore()) {
      int f = r.field();
      int w = r.wireType();
      if (f == 1 && w == ProtoReader.LENGTH_DELIMITED) {
        tag = r.string();
      } else if (f == 2 && w == ProtoReader.FIXED32) {
        simple = Float.intBitsToFloat(r.fixed32());
        tensor = null;
      } else if (f == 8 && w == ProtoReader.LENGTH_DELIMITED) {
        tensor = r.message();
        simple = null;
      } else if (f == 9 && w == ProtoReader.LENGTH_DELIMITED) {
        scalarMetadata = isScalarMetadata(r.message());
      } else {
        r.skip();
      }
    }
    if (scalarMetadata != null) {
      scalarTags.putIfAbsent(tag, scalarMetadata);
    }
    if (simple != null) {
      scalars.add(new Scalar(tag, widen(simple)));
    } else if (tensor != null && scalarTags.getOrDefault(tag, false)) {
      String why = tensorScalar(tensor, tag, scalars);
      if (why != null) {
        problems.add("tag '" + tag + "': " + why);
      }
    }
  }

  private static boolean isScalarMetadata(ProtoReader r) throws MalformedProtoException {
    boolean scalar = false;
    while (r.hasMore()) {
      int f = r.field();
      if (f == 1 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader plugin = r.message();
        while (plugin.hasMore()) {
          if (plugin.field() == 1 && plugin.wireType() == ProtoReader.LENGTH_DELIMITED) {
            scalar |= SCALARS_PLUGIN.equals(plugin.string());
          } else {
            plugin.skip();
          }
        }
      } else if (f == 4 && r.wireType() == ProtoReader.VARINT) {
        scalar |= r.varint() == DATA_CLASS_SCALAR;
      } else {
        r.skip();
      }
    }
    return scalar;
  }

  /** Adds the scalar a tensor holds, or returns why it holds none. */
  private static String tensorScalar(ProtoReader r, String tag, List<Scalar> out)
      throws MalformedProtoException {
    long dtype = 0;
    long elements = 1;
    ProtoReader content = null;
    double[] vals = new double[1];
    int nVals = 0;
    while (r.hasMore()) {
      int f = r.field();
      int w = r.wireType();
      if (f == 1 && w == ProtoReader.VARINT) {
        dtype = r.varint();
      } else if (f == 2 && w == ProtoReader.LENGTH_DELIMITED) {
        elements = elements(r.message());
      } else if (f == 4 && w == ProtoReader.LENGTH_DELIMITED) {
        content = r.message();
      } else if (f == 5 && w == ProtoReader.FIXED32) {
        nVals = add(vals, nVals, widen(Float.intBitsToFloat(r.fixed32())));
      } else if (f == 5 && w == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader packed = r.message();
        while (packed.hasMore()) {
          nVals = add(vals, nVals, widen(Float.intBitsToFloat(packed.fixed32())));
        }
      } else if (f == 6 && w == ProtoReader.FIXED64) {
        nVals = add(vals, nVals, Double.longBitsToDouble(r.fixed64()));
      } else if (f == 6 && w == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader packed = r.message();
        while (packed.hasMore()) {
          nVals = add(vals, nVals, Double.longBitsToDouble(packed.fixed64()));
        }
      } else {
        r.skip();
      }
    }
    if (dtype != DT_FLOAT && dtype != DT_DOUBLE) {
      return "tensor of dtype " + dtype + " is not a float (1) or double (2) scalar; skipped";
    }
    if (elements != 1) {
      return "tensor of " + (elements < 0 ? "unknown shape" : elements + " elements")
          + " is not a scalar; skipped";
    }
    int size = dtype == DT_FLOAT ? 4 : 8;
    if (content != null && content.remaining() > 0) {
      if (content.remaining() != size || nVals > 0) {
        return "tensor_content of " + content.remaining() + " bytes (with " + nVals
            + " values besides) is not one " + size + "-byte value; skipped";
      }
      out.add(new Scalar(tag, dtype == DT_FLOAT ? widen(Float.intBitsToFloat(content.fixed32()))
          : Double.longBitsToDouble(content.fixed64())));
      return null;
    }
    if (nVals != 1) {
      return "tensor holds " + nVals + " values where a scalar holds one; skipped";
    }
    out.add(new Scalar(tag, vals[0]));
    return null;
  }

  /** Keeps the first value and counts the rest (a scalar has exactly one). */
  private static int add(double[] vals, int n, double v) {
    if (n == 0) {
      vals[0] = v;
    }
    return n == Integer.MAX_VALUE ? n : n + 1;
  }

  /** The product of a TensorShapeProto's dimension sizes; -1 when unknown or absurd. */
  private static long elements(ProtoReader shape) throws MalformedProtoException {
    long n = 1;
    while (shape.hasMore()) {
      int f = shape.field();
      if (f == 2 && shape.wireType() == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader dim = shape.message();
        long size = 0;
        while (dim.hasMore()) {
          if (dim.field() == 1 && dim.wireType() == ProtoReader.VARINT) {
            size = dim.varint();
          } else {
            dim.skip();
          }
        }
        n = size < 0 || n < 0 ? -1 : (size == 0 ? 0 : (n > Long.MAX_VALUE / size ? -1 : n * size));
      } else if (f == 3 && shape.wireType() == ProtoReader.VARINT) {
        if (shape.varint() != 0) {
          n = -1;
        }
      } else {
        shape.skip();
      }
    }
    return n;
  }

  /**
   * The shortest decimal that rounds to {@code f} in float32, as a double: 0.6931f gives 0.6931
   * (not 0.6930999755859375). Non-finite values and zeros are kept as they are. Nine
   * significant digits always suffice for a float32 (IEEE 754-2019 §5.12.2).
   */
  static double widen(float f) {
    if (!Float.isFinite(f) || f == 0f) {
      return f;
    }
    BigDecimal exact = new BigDecimal(f);
    for (int digits = 1; digits < 9; digits++) {
      BigDecimal d = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (d.floatValue() == f) {
        return d.doubleValue();
      }
    }
    return exact.round(new MathContext(9, RoundingMode.HALF_EVEN)).doubleValue();
  }
}
