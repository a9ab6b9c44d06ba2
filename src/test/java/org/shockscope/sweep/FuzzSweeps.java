package org.shockscope.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.shockscope.lab.Lab;
import org.shockscope.lab.LabConfigJson;

/**
 * The valid sweeps the fuzz tests mutate, and their seeds. Four runs (two deep-linear, two
 * catapult, one of which diverges), four or fewer checkpoints each, mixed native formats,
 * sharded Hugging Face checkpoints, and in the native layout one run logging
 * {@code metrics.jsonl} instead of {@code metrics.csv}, so that every reader is exercised.
 *
 * <p>Replay: {@code -Dfuzz.seed=S} (default {@link #DEFAULT_SEED}) and
 * {@code -Dfuzz.mutations=N}; every failure message names the seed and the mutation.
 */
public final class FuzzSweeps {
  public static final long DEFAULT_SEED = 20261203L;
  public static final List<String> LAYOUTS = List.of("native", "hf", "mlflow");
  static final String JSON = """
      {"name": "fuzz", "seeds": [0], "native_format": "mixed", "hf_shards": 2,
       "families": {
         "deep-linear": {"optimizers": ["gd"], "lrs": [0.02, 0.05], "depths": [2],
                         "inits": ["aligned"], "steps": 120, "checkpoint_every": 40,
                         "log_every": 5},
         "catapult": {"lr_scales": [0.5, 24.0], "activations": ["linear"], "widths": [8],
                      "steps": 30, "checkpoint_every": 10, "log_every": 1}}}
      """;

  private FuzzSweeps() {}

  /** The seed of this fuzzing session. */
  public static long seed() {
    return Long.getLong("fuzz.seed", DEFAULT_SEED);
  }

  /** The number of mutations per layout, {@code fallback} unless {@code fuzz.mutations} says. */
  public static int mutations(int fallback) {
    return Integer.getInteger("fuzz.mutations", fallback);
  }

  /** The seed of mutation {@code index} of {@code layout} in a session seeded {@code seed}. */
  public static long mutationSeed(long seed, String layout, int index) {
    return new SplittableRandom(seed * 31 + layout.hashCode() * 1_000_003L + index).nextLong();
  }

  /** Writes the lab sweep (all three layouts) under {@code dir} and returns {@code dir}. */
  public static Path generate(Path dir) {
    Lab.generate(LabConfigJson.parse(JSON, "FuzzSweeps.JSON"), dir);
    try {
      jsonlInsteadOfCsv(dir.resolve("native"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** Rewrites the metrics.csv of the first catapult run of a native sweep as metrics.jsonl. */
  private static void jsonlInsteadOfCsv(Path sweep) throws IOException {
    Path run;
    try (Stream<Path> s = Files.list(sweep)) {
      run = s.filter(p -> p.getFileName().toString().startsWith("catapult")).sorted()
          .findFirst().orElseThrow();
    }
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
    String[] header = lines.get(0).split(",");
    List<String> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      ObjectNode rec = json.createObjectNode();
      rec.put("step", Long.parseLong(f[0]));
      for (int j = 1; j < f.length; j++) {
        if (!f[j].isEmpty()) {
          // the exact text of the CSV value, so that both files give the same doubles
          try {
            rec.put(header[j], new java.math.BigDecimal(f[j]));
          } catch (NumberFormatException e) {
            rec.put(header[j], f[j]);
          }
        }
      }
      out.add(json.writeValueAsString(rec));
    }
    Files.write(run.resolve("metrics.jsonl"), out);
    Files.delete(run.resolve("metrics.csv"));
  }
}
