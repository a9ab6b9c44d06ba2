package org.shockscope.spark;

import java.nio.file.Path;
import org.shockscope.lab.Lab;
import org.shockscope.lab.LabConfigJson;

/** Small real lab sweeps for the job's tests: every family, a learning-rate grid into divergence. */
final class LabSweeps {
  /** Trains in a few seconds: 9 runs, all three layouts. */
  static final String SMALL = """
      {"name": "small", "seeds": [0], "native_format": "safetensors", "hf_shards": 1,
       "families": {
         "deep-linear": {"optimizers": ["gd"], "lrs": [0.02], "depths": [2],
                         "inits": ["aligned", "random"], "steps": 400, "checkpoint_every": 10,
                         "log_every": 2},
         "teacher-student": {"lrs": [0.005], "widths": [2], "inputs": 40, "steps": 4000,
                             "checkpoint_every": 100, "log_every": 20, "test_samples": 200},
         "catapult": {"lr_scales": [0.5, 1.0, 3.0, 8.0, 24.0], "activations": ["linear"],
                      "widths": [32], "steps": 60, "checkpoint_every": 2, "log_every": 1}}}
      """;

  private LabSweeps() {}

  static Path small(Path dir) {
    Lab.generate(LabConfigJson.parse(SMALL, "LabSweeps.SMALL"), dir);
    return dir;
  }
}
