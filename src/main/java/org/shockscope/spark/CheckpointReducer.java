package org.shockscope.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.shockscope.ShockscopeException;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorFile;
import org.shockscope.io.TensorFiles;
import org.shockscope.io.TensorInfo;
import org.shockscope.symmetry.CheckpointObservables;
import org.shockscope.symmetry.ModelDescription;
import org.shockscope.symmetry.Observable;
import org.shockscope.symmetry.QuotientKernel;
import org.shockscope.symmetry.Spectrum;
import org.shockscope.symmetry.StructureInference;
import org.shockscope.symmetry.SymmetryStructure;

/**
 * The executor side of the reduction: reads the checkpoints of each {@link CheckpointSegment}
 * in step order and turns them into observable, spectrum and error rows (one tagged schema,
 * {@link #SCHEMA}). At most two checkpoints are in memory at a time (the current one and the
 * last good one, for the motion observables), so memory is bounded by the largest checkpoint,
 * not by the run. Rows are produced segment by segment, lazily.
 *
 * <p>A checkpoint that cannot be read (malformed file, non-finite weights, tensors that do not
 * match the run's structure) becomes one error row and is skipped; the motion observables of
 * the next good checkpoint are then taken from the last good one.
 */
final class CheckpointReducer {
  static final String OBSERVABLE = "observable";
  static final String SPECTRUM = "spectrum";
  static final String ERROR = "error";
  /** Rows of the {@code runs} structure column: the symmetry structure used for a run. */
  static final String STRUCTURE = "structure";

  static final StructType SCHEMA = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, true)
      .add("group", DataTypes.StringType, true)
      .add("name", DataTypes.StringType, true)
      .add("value", DataTypes.DoubleType, true)
      .add("sv", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
      .add("source", DataTypes.StringType, true)
      .add("stage", DataTypes.StringType, true)
      .add("error", DataTypes.StringType, true)
      .add("message", DataTypes.StringType, true);

  private CheckpointReducer() {}

  /** Which linear-algebra backend the kernels use on this JVM (for the job log). */
  static String backend() {
    return QuotientKernel.backend();
  }

  /** Lazily reduces segments, one at a time. */
  static Iterator<Row> reduce(Iterator<CheckpointSegment> segments, Configuration conf,
                              LongAccumulator done) {
    return new Iterator<>() {
      private Iterator<Row> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && segments.hasNext()) {
          current = reduce(segments.next(), conf, done).iterator();
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** Reduces one segment to rows. */
  static List<Row> reduce(CheckpointSegment seg, Configuration conf, LongAccumulator done) {
    List<Row> out = new ArrayList<>();
    ModelDescription description = description(seg);
    QuotientKernel kernel = null;
    Map<String, Tensor> previous = null;
    if (seg.previous() != null) {
      try {
        previous = read(seg.previous(), conf);
      } catch (RuntimeException e) {
        // already reported by the segment that owns it; the first motion is just not computed
        previous = null;
      }
    }
    for (CheckpointSegment.Item item : seg.items()) {
      Map<String, Tensor> tensors;
      try {
        tensors = read(item, conf);
        if (kernel == null) {
          kernel = kernelFor(tensors, description);
          if (seg.index() == 0) {
            out.add(RowFactory.create(STRUCTURE, seg.runId(), item.step(), null, null, null,
                null, null, null, null, kernel.structure().describe()));
          }
        }
        CheckpointObservables obs = kernel.observe(tensors);
        for (Observable o : obs.observables()) {
          out.add(observable(seg.runId(), item.step(), o));
        }
        for (Spectrum s : obs.spectra()) {
          out.add(RowFactory.create(SPECTRUM, seg.runId(), item.step(), s.group(), s.matrix(),
              null, toSeq(s.sv()), null, null, null, null));
        }
        if (previous != null) {
          motion(kernel, seg.runId(), item.step(), previous, tensors, out);
        }
        previous = tensors;
      } catch (ShockscopeException e) {
        String source = item.files().size() == 1 ? item.files().get(0)
            : String.join(",", item.files());
        String stage = e.getClass().getPackageName().endsWith(".io") ? "read" : "observables";
        out.add(RowFactory.create(ERROR, seg.runId(), item.step(), null, null, null, null,
            source, stage, e.getClass().getSimpleName(), e.getMessage()));
      }
      if (done != null) {
        done.add(1);
      }
    }
    return out;
  }

  /**
   * The motion observables from {@code previous} to {@code current}. When they cannot be
   * computed the previous checkpoint is the culprit (the current one was just observed), and
   * its error row comes from the segment that owns it, so nothing is added here.
   */
  private static void motion(QuotientKernel kernel, String runId, long step,
                             Map<String, Tensor> previous, Map<String, Tensor> current,
                             List<Row> out) {
    List<Observable> moved;
    try {
      moved = kernel.motion(previous, current);
    } catch (ShockscopeException e) {
      return;
    }
    for (Observable o : moved) {
      out.add(observable(runId, step, o));
    }
  }

  private static Row observable(String runId, long step, Observable o) {
    return RowFactory.create(OBSERVABLE, runId, step, o.group(), o.name(), o.value(), null,
        null, null, null, null);
  }

  private static Object toSeq(double[] sv) {
    List<Double> boxed = new ArrayList<>(sv.length);
    for (double v : sv) {
      boxed.add(v);
    }
    return scala.jdk.javaapi.CollectionConverters.asScala(boxed).toSeq();
  }

  /** The run's model description: the sweep/job one, its HF config, its activation hint. */
  static ModelDescription description(CheckpointSegment seg) {
    ModelDescription d;
    String m = seg.model();
    if (m == null || m.isBlank()) {
      d = ModelDescription.none();
    } else if (m.trim().startsWith("{")) {
      d = ModelDescription.fromJson(m);
    } else {
      d = ModelDescription.preset(m.trim());
    }
    if (seg.configJson() != null) {
      d = d.withHfConfig(seg.configJson());
    }
    if (seg.activation() != null) {
      d = d.withActivationHint(seg.activation());
    }
    return d;
  }

  private static QuotientKernel kernelFor(Map<String, Tensor> tensors, ModelDescription d) {
    List<TensorInfo> infos = new ArrayList<>(tensors.size());
    for (Tensor t : tensors.values()) {
      infos.add(TensorInfo.of(t));
    }
    SymmetryStructure structure = StructureInference.infer(infos, d);
    return new QuotientKernel(structure);
  }

  /** Reads every tensor of a checkpoint (all shards of a sharded one). */
  static Map<String, Tensor> read(CheckpointSegment.Item item, Configuration conf) {
    Map<String, Tensor> all = new LinkedHashMap<>();
    for (String f : item.files()) {
      try (TensorFile file = TensorFiles.open(f, conf)) {
        all.putAll(file.readAll());
      }
    }
    return all;
  }
}
