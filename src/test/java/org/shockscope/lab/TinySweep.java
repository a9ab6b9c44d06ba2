package org.shockscope.lab;

/**
 * A lab configuration small enough to generate in well under a second, with every family,
 * mixed native formats, sharded HF checkpoints, a catapult divergence, and a deep-linear run at
 * an absurd learning rate whose loss overflows to infinity at its first update.
 */
final class TinySweep {
  static final String JSON = """
      {"name": "tiny", "seeds": [0], "native_format": "mixed", "hf_shards": 2,
       "families": {
         "deep-linear": {"optimizers": ["gd"], "lrs": [0.02, 1e150], "depths": [2],
                         "inits": ["aligned"], "steps": 120, "checkpoint_every": 40,
                         "log_every": 5},
         "teacher-student": {"lrs": [0.005], "widths": [2], "inputs": 20, "steps": 400,
                             "checkpoint_every": 200, "log_every": 50, "test_samples": 100},
         "catapult": {"lr_scales": [0.5, 24.0], "activations": ["linear"], "widths": [16],
                      "steps": 30, "checkpoint_every": 10, "log_every": 1}}}
      """;

  private TinySweep() {}

  static LabConfig config() {
    return LabConfigJson.parse(JSON, "TinySweep");
  }
}
