package org.shockscope.lab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.shockscope.io.DType;

/**
 * Reads and writes {@link LabConfig} as JSON ({@code conf/lab-default.json},
 * {@code conf/lab-demo.json}). Every key is optional and defaults to {@link LabConfig#defaults()}
 * (a family's keys to that family's default); unknown keys are refused. Layout:
 * <pre>
 * {"name": "...", "seeds": [0, 1], "dtype": "F32", "layouts": ["native", "hf", "mlflow"],
 *  "native_format": "safetensors|npz|mixed", "hf_shards": 1,
 *  "families": {
 *    "deep-linear": {AXES, "depths": [2, 3], "inits": ["aligned", "random"], "input_dim": 10,
 *                    "output_dim": 8, "samples": 40, "teacher_singular_values": [5, 4, 3, 2, 1],
 *                    "init_scale": 0.001, "teacher_seed": 1, "lr_mode": "step"},
 *    "teacher-student": {AXES, "inputs": 100, "init_scale": 0.001, "init_asymmetry": 1,
 *                    "test_samples": 1000,
 *                        "teacher_seed": 2},
 *    "catapult": {AXES with "lr_scales" for "lrs", "activations": ["linear", "relu"],
 *                 "input_dim": 8, "samples": 16, "teacher_width": 4, "teacher_seed": 3},
 *    "induction": {AXES ("widths" = d_model), "heads": [2], "spans": [12], "span_jitter": 0,
 *                  "vocab": 24,
 *                  "held_out": 64, "init_std": 0.02, "data_seed": 5},
 *    "grokking": {AXES ("widths" = MLP width, "batch_sizes" 0 = full batch), "modulus": 31,
 *                 "train_fractions": [0.5], "embed_dim": 32, "init_scale": 1.0,
 *                 "held_out_metrics": true}}}
 * AXES = "optimizers", "lrs", "momenta", "batch_sizes", "weight_decays", "widths", "seeds",
 *        "steps", "checkpoint_every", "log_every", "warmup_steps"
 * </pre>
 * {@code lr_mode} {@code "effective"} reads a deep-linear family's {@code lrs} as effective
 * steps η/(1 − β) of its heavy-ball runs ({@link DeepLinearSpec#lrMode()}).
 * Only the families listed under {@code "families"} are generated (deep-linear,
 * teacher-student and catapult when it is absent).
 * A family without its own {@code "seeds"} uses the top-level ones.
 */
public final class LabConfigJson {
  private static final ObjectMapper READER = new ObjectMapper();

  private LabConfigJson() {}

  /** Reads a configuration file. */
  public static LabConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new LabException("cannot read lab configuration " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses configuration JSON; {@code source} names it in messages. */
  public static LabConfig parse(String json, String source) {
    JsonNode root;
    try {
      root = READER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new LabException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    LabConfig d = LabConfig.defaults();
    ConfigObject o = new ConfigObject(root, source);
    String name = o.string("name", d.name());
    List<Long> seeds = o.longs("seeds", d.seeds());
    DType dtype = dtype(o.string("dtype", d.dtype().name()), source);
    List<Layout> layouts = new ArrayList<>();
    for (String l : o.strings("layouts", labels(d.layouts()))) {
      layouts.add(Layout.of(l));
    }
    NativeFormat format = NativeFormat.of(o.string("native_format", d.nativeFormat().label()));
    int shards = o.integer("hf_shards", d.hfShards());
    ConfigObject fams = o.object("families");
    List<FamilySpec> families = new ArrayList<>();
    if (fams == null) {
      families.addAll(d.families());
    } else {
      for (String key : fams.keys()) {
        Family f = Family.of(key);
        families.add(family(fams.object(key), d.family(f)));
      }
    }
    o.rejectUnknown();
    return new LabConfig(name, seeds, dtype, layouts, format, shards, families);
  }

  private static DType dtype(String s, String source) {
    try {
      return DType.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new LabException(source + ": dtype must be F64, F32, F16 or BF16, got '" + s + "'");
    }
  }

  private static FamilySpec family(ConfigObject o, FamilySpec d) {
    FamilySpec spec;
    if (d instanceof DeepLinearSpec s) {
      spec = new DeepLinearSpec(axes(o, s.axes(), "lrs"),
          o.integers("depths", s.depths()), o.strings("inits", s.inits()),
          o.integer("input_dim", s.inputDim()), o.integer("output_dim", s.outputDim()),
          o.integer("samples", s.samples()),
          o.numbers("teacher_singular_values", s.teacherSingularValues()),
          o.number("init_scale", s.initScale()), o.longValue("teacher_seed", s.teacherSeed()),
          o.string("lr_mode", s.lrMode()));
    } else if (d instanceof TeacherStudentSpec s) {
      spec = new TeacherStudentSpec(axes(o, s.axes(), "lrs"),
          o.integer("inputs", s.inputs()), o.number("init_scale", s.initScale()),
          o.number("init_asymmetry", s.initAsymmetry()),
          o.integer("test_samples", s.testSamples()),
          o.longValue("teacher_seed", s.teacherSeed()));
    } else if (d instanceof InductionSpec s) {
      spec = new InductionSpec(axes(o, s.axes(), "lrs"), o.integers("heads", s.heads()),
          o.integers("spans", s.spans()), o.integer("span_jitter", s.spanJitter()),
          o.integer("vocab", s.vocab()),
          o.integer("held_out", s.heldOut()), o.number("init_std", s.initStd()),
          o.longValue("data_seed", s.dataSeed()));
    } else if (d instanceof GrokkingSpec s) {
      spec = new GrokkingSpec(axes(o, s.axes(), "lrs"), o.integer("modulus", s.modulus()),
          o.numbers("train_fractions", s.trainFractions()),
          o.integer("embed_dim", s.embedDim()), o.number("init_scale", s.initScale()),
          o.bool("held_out_metrics", s.heldOutMetrics()));
    } else {
      CatapultSpec s = (CatapultSpec) d;
      spec = new CatapultSpec(axes(o, s.axes(), "lr_scales"),
          o.strings("activations", s.activations()), o.integer("input_dim", s.inputDim()),
          o.integer("samples", s.samples()), o.integer("teacher_width", s.teacherWidth()),
          o.longValue("teacher_seed", s.teacherSeed()));
    }
    o.rejectUnknown();
    return spec;
  }

  private static GridAxes axes(ConfigObject o, GridAxes d, String lrKey) {
    List<OptimizerKind> opts = new ArrayList<>();
    List<String> defaultOpts = new ArrayList<>();
    for (OptimizerKind k : d.optimizers()) {
      defaultOpts.add(k.label());
    }
    for (String s : o.strings("optimizers", defaultOpts)) {
      opts.add(OptimizerKind.of(s));
    }
    Schedule ds = d.schedule();
    return new GridAxes(opts, o.numbers(lrKey, d.lrs()), o.numbers("momenta", d.momenta()),
        o.integers("batch_sizes", d.batchSizes()), o.numbers("weight_decays", d.weightDecays()),
        o.integers("widths", d.widths()), o.longs("seeds", List.of()),
        new Schedule(o.integer("steps", ds.steps()),
            o.integer("checkpoint_every", ds.checkpointEvery()),
            o.integer("log_every", ds.logEvery())),
        o.integer("warmup_steps", d.warmupSteps()));
  }

  /** The configuration as nested maps and lists, in the layout {@link #parse} reads. */
  public static Map<String, Object> toTree(LabConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("seeds", c.seeds());
    m.put("dtype", c.dtype().name());
    m.put("layouts", labels(c.layouts()));
    m.put("native_format", c.nativeFormat().label());
    m.put("hf_shards", c.hfShards());
    Map<String, Object> fams = new LinkedHashMap<>();
    for (FamilySpec f : c.families()) {
      Map<String, Object> x;
      if (f instanceof DeepLinearSpec s) {
        x = axesTree(s.axes(), "lrs");
        x.put("depths", s.depths());
        x.put("inits", s.inits());
        x.put("input_dim", s.inputDim());
        x.put("output_dim", s.outputDim());
        x.put("samples", s.samples());
        x.put("teacher_singular_values", s.teacherSingularValues());
        x.put("init_scale", s.initScale());
        x.put("teacher_seed", s.teacherSeed());
        x.put("lr_mode", s.lrMode());
      } else if (f instanceof TeacherStudentSpec s) {
        x = axesTree(s.axes(), "lrs");
        x.put("inputs", s.inputs());
        x.put("init_scale", s.initScale());
        x.put("init_asymmetry", s.initAsymmetry());
        x.put("test_samples", s.testSamples());
        x.put("teacher_seed", s.teacherSeed());
      } else if (f instanceof InductionSpec s) {
        x = axesTree(s.axes(), "lrs");
        x.put("heads", s.heads());
        x.put("spans", s.spans());
        x.put("span_jitter", s.spanJitter());
        x.put("vocab", s.vocab());
        x.put("held_out", s.heldOut());
        x.put("init_std", s.initStd());
        x.put("data_seed", s.dataSeed());
      } else if (f instanceof GrokkingSpec s) {
        x = axesTree(s.axes(), "lrs");
        x.put("modulus", s.modulus());
        x.put("train_fractions", s.trainFractions());
        x.put("embed_dim", s.embedDim());
        x.put("init_scale", s.initScale());
        x.put("held_out_metrics", s.heldOutMetrics());
      } else {
        CatapultSpec s = (CatapultSpec) f;
        x = axesTree(s.axes(), "lr_scales");
        x.put("activations", s.activations());
        x.put("input_dim", s.inputDim());
        x.put("samples", s.samples());
        x.put("teacher_width", s.teacherWidth());
        x.put("teacher_seed", s.teacherSeed());
      }
      fams.put(f.family().label(), x);
    }
    m.put("families", fams);
    return m;
  }

  private static Map<String, Object> axesTree(GridAxes a, String lrKey) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> opts = new ArrayList<>();
    for (OptimizerKind k : a.optimizers()) {
      opts.add(k.label());
    }
    m.put("optimizers", opts);
    m.put(lrKey, a.lrs());
    m.put("momenta", a.momenta());
    m.put("batch_sizes", a.batchSizes());
    m.put("weight_decays", a.weightDecays());
    m.put("widths", a.widths());
    m.put("seeds", a.seeds());
    m.put("steps", a.schedule().steps());
    m.put("checkpoint_every", a.schedule().checkpointEvery());
    m.put("log_every", a.schedule().logEvery());
    m.put("warmup_steps", a.warmupSteps());
    return m;
  }

  private static List<String> labels(List<Layout> layouts) {
    List<String> out = new ArrayList<>();
    for (Layout l : layouts) {
      out.add(l.label());
    }
    return out;
  }
}
