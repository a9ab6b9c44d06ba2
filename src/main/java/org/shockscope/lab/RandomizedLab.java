package org.shockscope.lab;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.shockscope.io.DType;

/**
 * The randomized lab of {@code lab --randomize N --seed S} (SPEC §8, issue 12): N runs, run i
 * with seed S + i, each drawing its family and regime from wide ranges, so that a detector is
 * scored on sweeps it was never tuned on. Every run is really trained by the lab's trainers and
 * its truth is measured during training, as in the grid lab.
 *
 * <p>Shared ranges: run length log-uniform in [200, 100,000] steps; number of checkpoints
 * log-uniform in [{@value #MIN_CHECKPOINTS}, {@value #MAX_CHECKPOINTS}], which gives the
 * checkpoint interval (1–500 steps); log interval 1–50 steps (at least
 * {@value #MIN_LOGGED} and at most {@value #MAX_LOGGED} logged rows). Training cost is bounded
 * per run (width² × depth × steps for deep linear chains, width × steps elsewhere): long runs
 * get small models. Families, with probabilities:
 * <ul>
 *   <li>deep linear chains (0.35, {@link DeepLinearTrainer}): depth 2–4, 1–6 teacher modes whose
 *       learning times follow spacing ratios drawn in [1.2, 5] (the slowest at 35–85% of the
 *       run, the fastest after 3% of it; modes that do not fit are dropped), teacher singular
 *       values solved for those times on the scalar dynamics of one aligned mode under the run's
 *       own optimiser ({@link ModeCalibration}), GD / SGD (batch 1 to n/2) / momentum / Adam,
 *       aligned or random initialisation, widths 4–256;</li>
 *   <li>teacher–student (0.15, {@link TeacherStudentTrainer}): online SGD or momentum, K = 2–3,
 *       inputs 10–50, symmetric-start asymmetry 0.02–0.2; the run length is set from a pilot run
 *       so that the first specialisation lands at 30–75% of it;</li>
 *   <li>catapults and divergence (0.15, {@link CatapultTrainer}): learning rates 0.5–30 × 1/λ₀
 *       reached by a warm-up of 5–40% of the run, widths 16–128, linear or ReLU;</li>
 *   <li>negative controls (0.35 in all, truth "nothing sudden after t0"): smooth decays with
 *       per-sample noise and noisy plateaus ({@link ControlTrainer#regression}), random-walk
 *       weights ({@link ControlTrainer#randomWalk}), and slow drifts (a network under full-batch
 *       GD at lr = κ/(λ₀ · steps), κ in [0.5, 3], so its fastest mode relaxes over the whole
 *       run; t0 = 0).</li>
 * </ul>
 * Each run's params hold its regime ({@code steps}, {@code checkpoint_every}, {@code log_every},
 * {@code checkpoints}, {@code modes}, {@code mode_spacing}, {@code noise}, {@code lab_seed}) so
 * that evaluation can bin by them.
 */
public final class RandomizedLab {
  static final int MIN_STEPS = 200;
  /** Longest run drawn, and the default cap of {@code lab --randomize --max-steps}. */
  public static final int MAX_STEPS = 100_000;
  static final int MIN_CHECKPOINTS = 10;
  static final int MAX_CHECKPOINTS = 160;
  static final int MIN_LOGGED = 50;
  static final int MAX_LOGGED = 5_000;
  /** Bound on 4·depth·width²·input_dim·steps of a deep linear run (about a second of work). */
  static final double DEEP_LINEAR_WORK = 1.5e9;
  /** Bound on checkpoints × depth × width² of a deep linear run, which sets the analysis cost
   * (the quotient kernel works on every width × width matrix of every checkpoint). */
  static final double DEEP_LINEAR_ANALYSIS = 4e6;
  /** Bound on width × steps of the random-walk and drift controls and of catapult runs. */
  static final double WIDTH_STEPS = 1.5e6;

  private RandomizedLab() {}

  /** The sweep's configuration for the layout writers (name, layouts, formats). */
  public static LabConfig config(int n, long seed, List<Layout> layouts) {
    return LabConfig.defaults().withName("shockscope-lab-random-" + seed + "-n" + n)
        .withLayouts(layouts).withSeeds(List.of(seed));
  }

  /** How the sweep was made, written as sweep.json's {@code lab} entry. */
  public static Map<String, Object> description(int n, long seed) {
    return description(n, seed, Set.of());
  }

  /** The same for a lab restricted to {@code only} (empty: every family). */
  public static Map<String, Object> description(int n, long seed, Set<Family> only) {
    return description(n, seed, only, MAX_STEPS);
  }

  /** The same for a lab whose run lengths are capped at {@code maxSteps}. */
  public static Map<String, Object> description(int n, long seed, Set<Family> only,
                                                int maxSteps) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("randomize", n);
    m.put("seed", seed);
    m.put("run_seeds", List.of(seed, seed + n - 1));
    if (maxSteps != MAX_STEPS) {
      m.put("max_steps", maxSteps);
    }
    if (!only.isEmpty()) {
      List<String> labels = new ArrayList<>();
      for (Family f : Family.values()) {
        if (only.contains(f)) {
          labels.add(f.label());
        }
      }
      m.put("families", labels);
    }
    return m;
  }

  /**
   * The N runs, in seed order.
   *
   * @throws LabException when n &lt; 1 or the seeds would overflow
   */
  public static List<PlannedRun> plan(int n, long seed, DType dtype) {
    return plan(n, seed, dtype, Set.of());
  }

  /**
   * The N runs of a lab that draws only the families in {@code only} (empty: every family), with
   * their relative probabilities kept. A run's regime depends on its seed and family alone, so
   * run S+i of a restricted lab trains exactly as it would in the full lab when the full lab
   * draws the same family for it; the others are new regimes at the same seeds (a catapult-only
   * lab at seeds below 1000 is tuning data the full lab's few catapults cannot give).
   *
   * @throws LabException when n &lt; 1, the seeds would overflow, or {@code only} names a family
   *     the randomized lab does not draw
   */
  public static List<PlannedRun> plan(int n, long seed, DType dtype, Set<Family> only) {
    return plan(n, seed, dtype, only, MAX_STEPS);
  }

  /**
   * The same with run lengths drawn from [200, {@code maxSteps}] instead of [200, 100,000]
   * (a catapult's or a drift's from [200, min(30,000, maxSteps)]): a lab of short runs. A
   * teacher–student run's length follows from its specialisation time and is not capped. Every
   * other draw of a run comes from the same streams, so a capped run at a seed differs from the
   * uncapped one in its length and in what the length sets (learning rate, schedule).
   *
   * @throws LabException also when maxSteps is outside [200, 100,000]
   */
  public static List<PlannedRun> plan(int n, long seed, DType dtype, Set<Family> only,
                                      int maxSteps) {
    if (maxSteps < MIN_STEPS || maxSteps > MAX_STEPS) {
      throw new LabException("--max-steps must be in [" + MIN_STEPS + ", " + MAX_STEPS
          + "], got " + maxSteps);
    }
    Map<Family, Double> weights = weights(only);
    if (n < 1) {
      throw new LabException("--randomize needs at least 1 run, got " + n);
    }
    if (seed < 0 || seed > Long.MAX_VALUE - n) {
      throw new LabException("--seed must be in [0, " + (Long.MAX_VALUE - n) + "], got " + seed);
    }
    List<PlannedRun> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long s = seed + i;
      Random rng = SeedStreams.of(s, "randomized/regime");
      double u = rng.nextDouble();
      Family f = only.isEmpty() ? family(u) : family(u, weights);
      String id = String.format(java.util.Locale.ROOT, "r%05d-%s", s, f.label());
      out.add(new PlannedRun(id, f, () -> train(id, f, s, seed, dtype, maxSteps)));
    }
    return out;
  }

  /**
   * The families in draw order with the upper end of each one's share of [0, 1): deep linear
   * 0.35, teacher–student 0.15, catapult 0.15, each negative control 0.0875.
   */
  private static final Family[] DRAWN = {Family.DEEP_LINEAR, Family.TEACHER_STUDENT,
      Family.CATAPULT, Family.CONTROL_DECAY, Family.CONTROL_PLATEAU, Family.CONTROL_RANDOM_WALK,
      Family.CONTROL_DRIFT};
  private static final double[] UPPER = {0.35, 0.50, 0.65, 0.7375, 0.825, 0.9125, 1.0};

  private static Family family(double u) {
    for (int k = 0; k < DRAWN.length - 1; k++) {
      if (u < UPPER[k]) {
        return DRAWN[k];
      }
    }
    return DRAWN[DRAWN.length - 1];
  }

  /** The family of a draw u in [0, 1) of a restricted lab: the kept families' probabilities
   * renormalised, in {@link Family} order. */
  private static Family family(double u, Map<Family, Double> weights) {
    double total = 0;
    for (double w : weights.values()) {
      total += w;
    }
    double acc = 0;
    Family last = null;
    for (Map.Entry<Family, Double> e : weights.entrySet()) {
      acc += e.getValue() / total;
      last = e.getKey();
      if (u < acc) {
        return last;
      }
    }
    return last;
  }

  /** The draw probabilities of the families in {@code only} (empty: every family). */
  private static Map<Family, Double> weights(Set<Family> only) {
    Map<Family, Double> all = new EnumMap<>(Family.class);
    for (int k = 0; k < DRAWN.length; k++) {
      all.put(DRAWN[k], UPPER[k] - (k == 0 ? 0.0 : UPPER[k - 1]));
    }
    if (only.isEmpty()) {
      return all;
    }
    Map<Family, Double> kept = new EnumMap<>(Family.class);
    for (Family f : only) {
      Double w = all.get(f);
      if (w == null) {
        throw new LabException("the randomized lab does not draw family " + f.label()
            + "; it draws " + labels(all.keySet()));
      }
      kept.put(f, w);
    }
    return kept;
  }

  private static String labels(Set<Family> fs) {
    List<String> out = new ArrayList<>();
    for (Family f : fs) {
      out.add(f.label());
    }
    return String.join(", ", out);
  }

  private static TrainedRun train(String id, Family f, long seed, long labSeed, DType dtype,
                                  int maxSteps) {
    // a stream of its own, so that the family draw above never shifts the regime draws
    Random rng = SeedStreams.of(seed, "randomized/" + f.label());
    Map<String, Object> regime = new LinkedHashMap<>();
    TrainedRun run = switch (f) {
      case DEEP_LINEAR -> deepLinear(id, rng, seed, dtype, regime, maxSteps);
      case TEACHER_STUDENT -> teacherStudent(id, rng, seed, dtype, regime);
      case CATAPULT -> catapult(id, rng, seed, dtype, regime, maxSteps);
      case CONTROL_DECAY, CONTROL_PLATEAU -> regression(id, f, rng, seed, dtype, regime,
          maxSteps);
      case CONTROL_RANDOM_WALK -> randomWalk(id, rng, seed, dtype, regime, maxSteps);
      case CONTROL_DRIFT -> drift(id, rng, seed, dtype, regime, maxSteps);
      // never drawn by family(u): the transformer families are gridded, not randomized
      case INDUCTION, GROKKING -> throw new IllegalStateException("family " + f.label()
          + " is not randomized");
    };
    Map<String, Object> p = new LinkedHashMap<>(run.params());
    p.put("model", f.label());
    Schedule sc = run.schedule();
    p.put("checkpoint_every", sc.checkpointEvery());
    p.put("log_every", sc.logEvery());
    p.put("checkpoints", run.checkpoints().size());
    p.putAll(regime);
    p.put("lab_seed", labSeed);
    return new TrainedRun(run.runId(), f, p, run.modelConfig(), run.metrics(), run.checkpoints(),
        run.truth(), run.divergenceStep(), sc, run.stepsPerEpoch());
  }

  // ---- shared draws ----

  static double logUniform(Random rng, double lo, double hi) {
    return Math.exp(Math.log(lo) + rng.nextDouble() * (Math.log(hi) - Math.log(lo)));
  }

  static double uniform(Random rng, double lo, double hi) {
    return lo + rng.nextDouble() * (hi - lo);
  }

  static int logUniformInt(Random rng, int lo, int hi) {
    if (hi <= lo) {
      return lo;
    }
    return (int) Math.min(hi, Math.max(lo, Math.round(logUniform(rng, lo, hi + 0.999))));
  }

  /** A schedule of {@code steps} with a drawn checkpoint count and log interval. */
  static Schedule schedule(Random rng, int steps) {
    return schedule(rng, steps, MAX_CHECKPOINTS);
  }

  /** The same with at most {@code maxCount} checkpoints (at least {@link #MIN_CHECKPOINTS}). */
  static Schedule schedule(Random rng, int steps, int maxCount) {
    int count = logUniformInt(rng, MIN_CHECKPOINTS, Math.max(MIN_CHECKPOINTS,
        Math.min(MAX_CHECKPOINTS, maxCount)));
    int every = (int) Math.max(1, Math.min(500, Math.round(steps / (double) count)));
    int logMax = Math.max(1, Math.min(50, steps / MIN_LOGGED));
    int logMin = Math.max(1, (int) Math.ceil(steps / (double) MAX_LOGGED));
    int log = logMin >= logMax ? logMin : logMin + rng.nextInt(logMax - logMin + 1);
    return new Schedule(steps, every, log);
  }

  private static int steps(Random rng, int max) {
    return (int) Math.round(logUniform(rng, MIN_STEPS, max));
  }

  // ---- families ----

  private static TrainedRun deepLinear(String id, Random rng, long seed, DType dtype,
                                       Map<String, Object> regime, int maxSteps) {
    int steps = steps(rng, maxSteps);
    Random scheduleRng = SeedStreams.of(seed, "randomized/schedule");
    int depth = 2 + rng.nextInt(3);
    int wantedModes = 1 + rng.nextInt(6);
    OptimizerKind kind = List.of(OptimizerKind.GD, OptimizerKind.SGD, OptimizerKind.MOMENTUM,
        OptimizerKind.ADAM).get(rng.nextInt(4));
    String init = rng.nextBoolean() ? DeepLinearSpec.ALIGNED : DeepLinearSpec.RANDOM;
    int dIn = Math.max(wantedModes, 4 + rng.nextInt(9));
    int dOut = Math.max(wantedModes, 3 + rng.nextInt(8));
    int samples = dIn * (2 + rng.nextInt(3));
    double u0 = logUniform(rng, 3e-4, 3e-3);
    double s1 = uniform(rng, 2, 6);
    double lastFraction = uniform(rng, 0.35, 0.85);
    double[] ratios = new double[wantedModes - 1];
    for (int k = 0; k < ratios.length; k++) {
      ratios[k] = uniform(rng, 1.2, 5);
    }
    double mu = kind == OptimizerKind.MOMENTUM ? (rng.nextBoolean() ? 0.5 : 0.9) : 0;
    int batch = samples;
    if (kind == OptimizerKind.SGD) {
      batch = logUniformInt(rng, 1, samples / 2);
    } else if (kind == OptimizerKind.MOMENTUM && rng.nextBoolean()) {
      batch = logUniformInt(rng, 2, samples / 2);
    }
    int maxWidth = (int) Math.floor(Math.sqrt(DEEP_LINEAR_WORK
        / (4.0 * depth * dIn * (double) steps)));
    int width = Math.max(wantedModes, logUniformInt(rng, 4, Math.max(4, Math.min(256,
        maxWidth))));
    Schedule schedule = schedule(scheduleRng, steps,
        (int) (DEEP_LINEAR_ANALYSIS / (depth * (double) width * width)));

    ModeCalibration.Result cal = ModeCalibration.solve(kind, mu, depth, u0, s1, steps,
        lastFraction, ratios);
    OptimizerSettings opt = OptimizerSettings.plain(kind, cal.lr(), mu, batch, 0, 0);
    if (kind == OptimizerKind.ADAM) {
      opt = new OptimizerSettings(kind, cal.lr(), 0, batch, 0, 0, OptimizerSettings.ADAM_BETA1,
          OptimizerSettings.ADAM_BETA2, OptimizerSettings.ADAM_EPS);
    }
    List<Double> sv = new ArrayList<>();
    for (double s : cal.singularValues()) {
      sv.add(s);
    }
    int modes = sv.size();
    GridAxes axes = new GridAxes(List.of(kind), List.of(opt.lr()), List.of(mu),
        List.of(batch), List.of(0.0), List.of(width), List.of(seed), schedule, 0);
    DeepLinearSpec spec = new DeepLinearSpec(axes, List.of(depth), List.of(init), dIn, dOut,
        samples, sv, u0, seed);
    TrainedRun run = new DeepLinearTrainer(spec, opt, width, depth, init, seed, dtype).train(id);
    // The scalar model is exact for aligned GD only: Adam's per-coordinate normalisation and a
    // random start (whose overlap with each teacher mode is far below u0 in deep chains) move
    // the time scale. Rescale the rate from the measured crossing of the slowest mode that
    // crossed (mode times scale about as 1/lr) and train again, at most twice.
    for (int attempt = 0; attempt < 2 && (kind == OptimizerKind.ADAM
        || DeepLinearSpec.RANDOM.equals(init)); attempt++) {
      double factor = rescale(run, cal.times());
      double lr = opt.lr() * factor;
      if (kind != OptimizerKind.ADAM) {
        lr = Math.min(lr, cal.maxLr());
      }
      if (Math.abs(Math.log(lr / opt.lr())) < Math.log(1.25)) {
        break;
      }
      opt = opt.withLr(lr);
      spec = spec.withAxes(axes.withLrs(List.of(lr)));
      run = new DeepLinearTrainer(spec, opt, width, depth, init, seed, dtype).train(id);
    }
    run = visibleSpikes(run);
    regime.put("modes", modes);
    if (modes >= 2) {
      double min = Double.POSITIVE_INFINITY;
      double[] t = cal.times();
      for (int k = 1; k < t.length; k++) {
        min = Math.min(min, t[k] / t[k - 1]);
      }
      regime.put("mode_spacing", min);
    }
    regime.put("modes_drawn", wantedModes);
    regime.put("noise", batch == samples ? 0.0 : 1.0 / batch);
    return run;
  }

  /** The factor to multiply the rate by so the slowest measured mode meets its target. */
  private static double rescale(TrainedRun run, double[] targets) {
    double factor = 1.0;
    boolean any = false;
    for (TruthEvent e : run.truth()) {
      if (TruthEvent.MEASURED.equals(e.source()) && e.series().startsWith("end_to_end.sv")) {
        int k = Integer.parseInt(e.series().substring("end_to_end.sv".length())) - 1;
        if (k < targets.length) {
          factor = e.step() / targets[k];
          any = true;
        }
      }
    }
    if (!any) {
      return 4.0;
    }
    return Math.max(0.05, Math.min(20, factor));
  }

  /**
   * The run without the spike truth rows its logged loss cannot show: a spike the trainer saw
   * at every step counts only when a spike of the logged loss ({@link SpikeScan} on the logged
   * rows, from the row before its first one above the bound) spans its peak step (runs logged
   * every 20 steps do not show a 4-step excursion), and
   * of several such rows within one logged spike only the one nearest its logged peak is kept
   * (the logged loss shows one excursion); logged spikes closer to each other than twice their
   * durations or four log intervals form one episode with one row (see below).
   */
  static TrainedRun visibleSpikes(TrainedRun run) {
    List<SpikeScan.Spike> logged = SpikeScan.find(run.metrics());
    TruthEvent[] nearest = new TruthEvent[logged.size()];
    List<TruthEvent> kept = new ArrayList<>();
    for (TruthEvent e : run.truth()) {
      if (!TruthEvent.SPIKE.equals(e.kind())) {
        kept.add(e);
        continue;
      }
      for (int i = 0; i < nearest.length; i++) {
        SpikeScan.Spike sp = logged.get(i);
        // The logged excursion's first sample above the bound may come after the per-step
        // peak (a 5-step spike peaking between two rows logged 20 steps apart): it spans the
        // peak from the row before it.
        if (e.step() > sp.startStep() - run.schedule().logEvery() && e.step() <= sp.endStep()
            && (nearest[i] == null
            || Math.abs(e.step() - sp.peakStep()) < Math.abs(nearest[i].step()
            - sp.peakStep()))) {
          nearest[i] = e;
        }
      }
    }
    // A train of bounces (edge-of-stability oscillation, Adam's late instabilities) is one
    // episode, not one transition per bounce: a logged spike joins the previous one's episode
    // unless the logged loss settled between them for twice the longer of their durations, or
    // four log intervals ({@link SpikeScan#settles}: a chaotic or period-2 oscillation never
    // does, however far apart its doublings over the running minimum fall); the episode keeps
    // only the row of its highest logged peak.
    int quiet = 4 * run.schedule().logEvery();
    int episodeBest = -1;
    for (int i = 0; i < nearest.length; i++) {
      SpikeScan.Spike sp = logged.get(i);
      boolean joins = false;
      if (i > 0) {
        SpikeScan.Spike prev = logged.get(i - 1);
        int duration = Math.max(sp.endStep() - sp.startStep(),
            prev.endStep() - prev.startStep());
        joins = !SpikeScan.settles(run.metrics(), prev.endStep(), sp.startStep(),
            Math.max(2 * duration, quiet));
      }
      if (!joins) {
        if (episodeBest >= 0) {
          kept.add(nearest[episodeBest]);
        }
        episodeBest = -1;
      }
      if (nearest[i] != null && (episodeBest < 0 || sp.peak() > logged.get(episodeBest).peak())) {
        episodeBest = i;
      }
    }
    if (episodeBest >= 0) {
      kept.add(nearest[episodeBest]);
    }
    kept.sort((a, b) -> Double.compare(a.step(), b.step()));
    return new TrainedRun(run.runId(), run.family(), run.params(), run.modelConfig(),
        run.metrics(), run.checkpoints(), kept, run.divergenceStep(), run.schedule(),
        run.stepsPerEpoch());
  }

  private static TrainedRun teacherStudent(String id, Random rng, long seed, DType dtype,
                                           Map<String, Object> regime) {
    int k = 2 + rng.nextInt(2);
    int inputs = 10 + rng.nextInt(41);
    double asymmetry = logUniform(rng, 0.02, 0.2);
    double rate = uniform(rng, 0.2, 0.6);
    boolean momentum = rng.nextDouble() < 0.3;
    int batch = rng.nextDouble() < 0.6 ? 1 : 1 + rng.nextInt(4);
    double fraction = uniform(rng, 0.3, 0.75);
    double mu = momentum ? 0.5 : 0;
    double lr = rate * (1 - mu) * batch / inputs;
    OptimizerKind kind = momentum ? OptimizerKind.MOMENTUM : OptimizerKind.SGD;
    OptimizerSettings opt = OptimizerSettings.plain(kind, lr, mu, batch, 0, 0);
    // pilot: the longest run, logged finely, to find when the first stage happens
    Schedule pilotSchedule = new Schedule(MAX_STEPS, MAX_STEPS / 20, MAX_STEPS / 2000);
    TeacherStudentSpec pilot = tsSpec(opt, k, seed, pilotSchedule, inputs, asymmetry);
    TrainedRun first = new TeacherStudentTrainer(pilot, opt, k, seed, dtype).train(id);
    double t1 = Double.NaN;
    for (TruthEvent e : first.truth()) {
      if (TruthEvent.JUMP.equals(e.kind())) {
        t1 = e.step();
        break;
      }
    }
    int steps = Double.isNaN(t1) ? MAX_STEPS
        : (int) Math.max(MIN_STEPS, Math.min(MAX_STEPS, Math.round(t1 / fraction)));
    Schedule schedule = schedule(rng, steps);
    TeacherStudentSpec spec = tsSpec(opt, k, seed, schedule, inputs, asymmetry);
    regime.put("pilot_first_stage", Double.isNaN(t1) ? -1 : Math.round(t1));
    regime.put("noise", lr * inputs / batch);
    return new TeacherStudentTrainer(spec, opt, k, seed, dtype).train(id);
  }

  private static TeacherStudentSpec tsSpec(OptimizerSettings opt, int k, long seed,
                                           Schedule schedule, int inputs, double asymmetry) {
    GridAxes axes = new GridAxes(List.of(opt.kind()), List.of(opt.lr()),
        List.of(opt.momentum()), List.of(opt.batchSize()), List.of(0.0), List.of(k),
        List.of(seed), schedule, 0);
    return new TeacherStudentSpec(axes, inputs, 1e-3, asymmetry, 200, seed);
  }

  private static TrainedRun catapult(String id, Random rng, long seed, DType dtype,
                                     Map<String, Object> regime, int maxSteps) {
    int steps = steps(rng, Math.min(30_000, maxSteps));
    Schedule schedule = schedule(rng, steps);
    int width = logUniformInt(rng, 16, (int) Math.max(16, Math.min(128, WIDTH_STEPS * 4
        / steps)));
    String act = rng.nextBoolean() ? CatapultSpec.LINEAR : CatapultSpec.RELU;
    double scale = logUniform(rng, 0.5, 30);
    int warmup = (int) Math.max(1, Math.round(uniform(rng, 0.05, 0.4) * steps));
    OptimizerSettings scaled = OptimizerSettings.plain(OptimizerKind.GD, scale, 0, 16, 0,
        warmup);
    GridAxes axes = new GridAxes(List.of(OptimizerKind.GD), List.of(scale), List.of(),
        List.of(), List.of(0.0), List.of(width), List.of(seed), schedule, warmup);
    CatapultSpec spec = new CatapultSpec(axes, List.of(act), 8, 16, 4, seed);
    regime.put("noise", 0.0);
    return visibleSpikes(new CatapultTrainer(spec, scaled, width, act, seed, dtype).train(id));
  }

  private static TrainedRun regression(String id, Family f, Random rng, long seed, DType dtype,
                                       Map<String, Object> regime, int maxSteps) {
    int steps = steps(rng, maxSteps);
    Schedule schedule = schedule(rng, steps);
    int dIn = 4 + rng.nextInt(29);
    int dOut = 1 + rng.nextInt(4);
    int batch = 1 << rng.nextInt(4);
    ControlTrainer.Regression r;
    if (f == Family.CONTROL_DECAY) {
      // trace of the input covariance is at most dIn: lr·tr < 1 keeps online SGD stable
      double lr = uniform(rng, 0.05, 0.5) / dIn;
      double slowest = steps * logUniform(rng, 0.3, 3);
      double lambdaMin = Math.min(0.5, 1 / (lr * slowest));
      r = new ControlTrainer.Regression(dIn, dOut, batch, lr, lambdaMin, 0, Double.NaN);
      regime.put("noise", 1.0 / batch);
    } else {
      double lr = uniform(rng, 0.02, 0.3) / dIn;
      double sigma = uniform(rng, 0.1, 1);
      r = new ControlTrainer.Regression(dIn, dOut, batch, lr, logUniform(rng, 0.01, 1), sigma,
          0.05 * sigma);
      regime.put("noise", sigma);
    }
    return ControlTrainer.regression(id, f, r, schedule, seed, dtype);
  }

  private static TrainedRun randomWalk(String id, Random rng, long seed, DType dtype,
                                       Map<String, Object> regime, int maxSteps) {
    int steps = steps(rng, maxSteps);
    Schedule schedule = schedule(rng, steps);
    int width = logUniformInt(rng, 4, (int) Math.max(4, Math.min(128, WIDTH_STEPS / steps)));
    double kappa = uniform(rng, 0.3, 2);
    double std = kappa / Math.sqrt(8.0 * steps);
    regime.put("noise", kappa);
    return ControlTrainer.randomWalk(id, new ControlTrainer.Walk(width, std), schedule, seed,
        dtype);
  }

  private static TrainedRun drift(String id, Random rng, long seed, DType dtype,
                                  Map<String, Object> regime, int maxSteps) {
    int steps = steps(rng, Math.min(30_000, maxSteps));
    Schedule schedule = schedule(rng, steps);
    int width = logUniformInt(rng, 16, (int) Math.max(16, Math.min(128, WIDTH_STEPS * 4
        / steps)));
    String act = rng.nextBoolean() ? CatapultSpec.LINEAR : CatapultSpec.RELU;
    double kappa = uniform(rng, 0.5, 3);
    double scale = kappa / steps;
    OptimizerSettings scaled = OptimizerSettings.plain(OptimizerKind.GD, scale, 0, 16, 0, 0);
    GridAxes axes = new GridAxes(List.of(OptimizerKind.GD), List.of(scale), List.of(),
        List.of(), List.of(0.0), List.of(width), List.of(seed), schedule, 0);
    CatapultSpec spec = new CatapultSpec(axes, List.of(act), 8, 16, 4, seed);
    TrainedRun run = new CatapultTrainer(spec, scaled, width, act, seed, dtype).train(id);
    List<TruthEvent> truth = new ArrayList<>();
    truth.add(ControlTrainer.none(id, Family.CONTROL_DRIFT, 0, "full-batch GD at lr = " + kappa
        + "/(lambda0 * steps): the fastest NTK mode relaxes by e^-" + kappa + " over the whole"
        + " run, slower modes less; nothing sudden at any step"));
    for (TruthEvent e : run.truth()) {
      truth.add(new TruthEvent(e.runId(), Family.CONTROL_DRIFT, e.kind(), e.series(), e.step(),
          e.source(), e.width(), e.detail()));
    }
    regime.put("noise", 0.0);
    regime.put("drift_kappa", kappa);
    return new TrainedRun(run.runId(), Family.CONTROL_DRIFT, run.params(), run.modelConfig(),
        run.metrics(), run.checkpoints(), truth, run.divergenceStep(), run.schedule(),
        run.stepsPerEpoch());
  }
}
