package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same configuration writes byte-identical files; another seed writes other weights. */
class LabDeterminismTest {
  @TempDir
  Path dir;

  @Test
  void sameConfigurationWritesSameBytes() throws Exception {
    LabConfig c = TinySweep.config();
    Lab.generate(c, dir);
    Map<String, String> first = digests(dir);
    Lab.regenerate(c, dir);
    Map<String, String> second = digests(dir);
    assertTrue(first.size() > 100, "files written: " + first.size());
    assertEquals(first, second);
  }

  @Test
  void transformerFamiliesWriteSameBytesAndOtherSeedsOtherWeights() throws Exception {
    LabConfig c = LabConfigJson.parse("""
        {"name": "tiny-transformers", "seeds": [0], "hf_shards": 2,
         "families": {
           "induction": {"batch_sizes": [4], "widths": [8], "spans": [4], "span_jitter": 1,
                         "vocab": 6, "held_out": 4, "steps": 30, "checkpoint_every": 10,
                         "log_every": 5},
           "grokking": {"modulus": 7, "embed_dim": 4, "widths": [8], "batch_sizes": [8],
                        "steps": 30, "checkpoint_every": 10, "log_every": 5}}}
        """, "LabDeterminismTest");
    Lab.generate(c, dir);
    Map<String, String> first = digests(dir);
    Lab.regenerate(c, dir);
    assertEquals(first, digests(dir));
    for (PlannedRun p : c.plan()) {
      TrainedRun a = p.train();
      TrainedRun b = c.withSeeds(List.of(7L)).plan().stream()
          .filter(q -> q.family() == p.family()).findFirst().orElseThrow().train();
      assertNotEquals(java.util.Arrays.toString(a.checkpoints().get(1).tensors().get(0).data()),
          java.util.Arrays.toString(b.checkpoints().get(1).tensors().get(0).data()));
    }
  }

  @Test
  void anotherSeedTrainsOtherWeights() {
    LabConfig c = TinySweep.config().withFamilies(List.of(Family.TEACHER_STUDENT));
    TrainedRun a = c.plan().get(0).train();
    TrainedRun b = c.withSeeds(List.of(7L)).plan().get(0).train();
    TrainedRun again = c.plan().get(0).train();
    double[] wa = a.checkpoints().get(1).tensors().get(0).data();
    assertNotEquals(java.util.Arrays.toString(wa),
        java.util.Arrays.toString(b.checkpoints().get(1).tensors().get(0).data()));
    assertEquals(java.util.Arrays.toString(wa),
        java.util.Arrays.toString(again.checkpoints().get(1).tensors().get(0).data()));
  }

  private static Map<String, String> digests(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), sha256(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
