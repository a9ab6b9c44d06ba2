package org.shockscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.shockscope.io.DType;
import org.shockscope.lab.Family;
import org.shockscope.lab.Lab;
import org.shockscope.lab.LabConfig;
import org.shockscope.lab.LabConfigJson;
import org.shockscope.lab.LabException;
import org.shockscope.lab.LabSummary;
import org.shockscope.lab.Layout;
import org.shockscope.lab.NativeFormat;
import org.shockscope.lab.OptimizerKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shockscope lab --out DIR [options]}: trains the lab's small networks (SPEC §8) and
 * writes the sweep in the native, Hugging Face and MLflow layouts plus {@code truth.csv}.
 * Options override the configuration file, which overrides the built-in defaults.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
    description = "Trains small networks for real (deep linear, teacher-student, catapult "
        + "learning-rate grids; induction-head and grokking transformers with "
        + "conf/lab-induction*.json, conf/lab-grokking*.json) and writes the sweep in the native, Hugging Face and MLflow "
        + "layouts plus truth.csv, the transitions they are known to go through.")
public final class LabCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(names = "--config", description = "JSON configuration (e.g. conf/lab-demo.json); "
      + "default: the built-in conf/lab-default.json.")
  Path config;

  @Option(names = "--families", split = ",",
      description = "Families to generate: deep-linear, teacher-student, catapult, induction, "
          + "grokking (the last two are not in the default sweep: they take their settings "
          + "from --config, else the built-in reference settings).")
  List<String> families;

  @Option(names = "--seeds", split = ",", description = "Seeds for every family.")
  List<Long> seeds;

  @Option(names = "--lrs", split = ",",
      description = "Learning rates of every family but catapult (deep-linear, "
          + "teacher-student, induction, grokking).")
  List<Double> lrs;

  @Option(names = "--lr-scales", split = ",",
      description = "Catapult learning rates as multiples of 1/lambda0.")
  List<Double> lrScales;

  @Option(names = "--optimizers", split = ",",
      description = "Optimizers for every family: gd, sgd, momentum, adam, adamw.")
  List<String> optimizers;

  @Option(names = "--layouts", split = ",", description = "Layouts: native, hf, mlflow.")
  List<String> layouts;

  @Option(names = "--dtype", description = "Checkpoint element type: F32, F64, F16, BF16.")
  String dtype;

  @Option(names = "--native-format",
      description = "Native checkpoint files: safetensors, npz or mixed.")
  String nativeFormat;

  @Option(names = "--hf-shards", description = "Safetensors shards per HF checkpoint.")
  Integer hfShards;

  @Option(names = "--name", description = "Sweep name.")
  String name;

  @Option(names = "--without-held-out-metrics",
      description = "Grokking runs do not write val_loss and val_accuracy (truth unchanged), so "
          + "the transition has to be found in the weights.")
  boolean withoutHeldOutMetrics;

  @Option(names = "--randomize", paramLabel = "N",
      description = "Train N runs whose family and regime are drawn at random (run length "
          + "200-100000 steps, checkpoint and log intervals, 1-6 teacher modes and their "
          + "spacing, depth, width, optimizer, initialisation, noise), plus negative controls "
          + "whose truth is 'nothing sudden after t0'. Run i has seed S+i (--seed). Layout: "
          + "native unless --layouts says otherwise; --families keeps only the listed "
          + "families (deep-linear, teacher-student, catapult, control-decay, control-plateau, "
          + "control-random-walk, control-drift) at their relative probabilities; --lrs, "
          + "--lr-scales and --optimizers do not apply.")
  Integer randomize;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1000",
      description = "First seed of a randomized lab (default 1000: evaluation seeds are >= 1000,"
          + " defaults are tuned below 1000 only).")
  long seed;

  @Option(names = "--max-steps", paramLabel = "STEPS",
      description = "With --randomize: draw run lengths from 200 to STEPS instead of 100000 "
          + "(a lab of short runs; teacher-student runs keep the length their specialisation "
          + "needs).")
  Integer maxSteps;

  @Option(names = "--overwrite",
      description = "Replace the lab output already in --out (its layout folders and truth.csv).")
  boolean overwrite;

  @Override
  public Integer call() {
    LabConfig c;
    try {
      c = resolve();
    } catch (LabException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    LabSummary s;
    try {
      if (randomize != null) {
        s = Lab.generateRandomized(randomize, seed, randomizedFamilies(), maxSteps(), c, out,
            overwrite);
      } else {
        s = overwrite ? Lab.regenerate(c, out) : Lab.generate(c, out);
      }
    } catch (LabException e) {
      spec.commandLine().getErr().println("lab: " + e.getMessage());
      return 1;
    }
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "lab '%s': %d runs (%d diverged) into %s%n", c.name(), s.runs(),
        s.divergedRuns(), s.out().toAbsolutePath());
    for (Map.Entry<Family, Integer> e : s.runsPerFamily().entrySet()) {
      w.printf(Locale.ROOT, "  %-16s %d runs%n", e.getKey().label(), e.getValue());
    }
    for (Layout l : s.layouts()) {
      w.printf(Locale.ROOT, "  layout %-8s %s%n", l.label(),
          s.out().resolve(l.label()).toAbsolutePath());
    }
    w.printf(Locale.ROOT, "  truth.csv        %d transitions%n", s.truthEvents());
    w.printf(Locale.ROOT, "  %d files, %.1f MB%n", s.files(), s.bytes() / 1e6);
    w.flush();
    return 0;
  }

  /** The configuration: file or defaults, then the options in place of their values. */
  LabConfig resolve() {
    if (randomize != null) {
      return resolveRandomized();
    }
    if (maxSteps != null) {
      throw new LabException("--max-steps applies to --randomize only; a grid lab's run length "
          + "is its configuration's steps");
    }
    LabConfig c = config == null ? LabConfig.defaults() : LabConfigJson.read(config);
    if (families != null) {
      List<Family> fs = new ArrayList<>();
      for (String f : families) {
        fs.add(Family.of(f.trim()));
      }
      c = c.withFamilies(fs);
    }
    if (seeds != null) {
      c = c.withSeeds(seeds);
    }
    if (lrs != null) {
      c = c.withLrs(lrs);
    }
    if (lrScales != null) {
      c = c.withLrScales(lrScales);
    }
    if (withoutHeldOutMetrics) {
      c = c.withoutHeldOutMetrics();
    }
    if (optimizers != null) {
      List<OptimizerKind> ks = new ArrayList<>();
      for (String o : optimizers) {
        ks.add(OptimizerKind.of(o.trim()));
      }
      c = c.withOptimizers(ks);
    }
    if (layouts != null) {
      List<Layout> ls = new ArrayList<>();
      for (String l : layouts) {
        ls.add(Layout.of(l.trim()));
      }
      c = c.withLayouts(ls);
    }
    if (dtype != null) {
      try {
        c = c.withDtype(DType.valueOf(dtype.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new LabException("--dtype must be F64, F32, F16 or BF16, got '" + dtype + "'");
      }
    }
    if (nativeFormat != null) {
      c = c.withNativeFormat(NativeFormat.of(nativeFormat.trim()));
    }
    if (hfShards != null) {
      c = c.withHfShards(hfShards);
    }
    if (name != null) {
      c = c.withName(name);
    }
    c.plan();
    return c;
  }

  /** A randomized lab's writer settings: layouts (native by default), dtype, format, name. */
  private LabConfig resolveRandomized() {
    if (lrs != null || lrScales != null || optimizers != null || config != null) {
      throw new LabException("--randomize draws learning rates and optimizers itself:"
          + " drop --lrs, --lr-scales, --optimizers and --config");
    }
    List<Layout> ls = new ArrayList<>();
    if (layouts == null) {
      ls.add(Layout.NATIVE);
    } else {
      for (String l : layouts) {
        ls.add(Layout.of(l.trim()));
      }
    }
    LabConfig c = org.shockscope.lab.RandomizedLab.config(randomize, seed, ls);
    if (dtype != null) {
      try {
        c = c.withDtype(DType.valueOf(dtype.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new LabException("--dtype must be F64, F32, F16 or BF16, got '" + dtype + "'");
      }
    }
    if (nativeFormat != null) {
      c = c.withNativeFormat(NativeFormat.of(nativeFormat.trim()));
    }
    if (hfShards != null) {
      c = c.withHfShards(hfShards);
    }
    if (name != null) {
      c = c.withName(name);
    }
    org.shockscope.lab.RandomizedLab.plan(randomize, seed, c.dtype(), randomizedFamilies(),
        maxSteps());
    return c;
  }

  private int maxSteps() {
    return maxSteps == null ? org.shockscope.lab.RandomizedLab.MAX_STEPS : maxSteps;
  }

  private java.util.Set<Family> randomizedFamilies() {
    java.util.Set<Family> only = java.util.EnumSet.noneOf(Family.class);
    if (families != null) {
      for (String f : families) {
        only.add(Family.of(f.trim()));
      }
    }
    return only;
  }
}
