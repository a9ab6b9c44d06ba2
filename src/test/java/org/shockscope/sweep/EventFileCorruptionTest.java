package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ErrorRecord;

/**
 * Property test of the event-file reader over random damage to the fixtures: byte flips,
 * truncations, insertions, deletions, overwrites, random files, and random or mutated payloads
 * in valid framing (which reach the protobuf decoder). Whatever the input, discovery returns
 * (no exception, no loop: the class has a time limit), every error record names the damaged
 * file with a known code, and, where the checksums guard the data, every point read is a point
 * of the undamaged file; a flipped byte is always reported.
 *
 * <p>{@code -Dfuzz.mutations=N} mutations per kind (default 60), {@code -Dfuzz.seed=S}.
 */
@Timeout(120)
class EventFileCorruptionTest {
  private static final int N = Integer.getInteger("fuzz.mutations", 60);
  private static final long SEED = Long.getLong("fuzz.seed", 20261204L);
  private static final String NAME = "events.out.tfevents.1733270400.host.1.0";
  private static final Set<String> CODES = Set.of("bad_records", "broken_framing", "truncated",
      "empty_run");

  @TempDir
  static Path dir;
  static final Map<String, byte[]> CLEAN = new java.util.TreeMap<>();
  static final Map<String, Set<String>> CLEAN_POINTS = new java.util.TreeMap<>();
  private static int case_;

  @BeforeAll
  static void readClean() throws IOException {
    for (String f : List.of("simple_value.tfevents", "tensor_float.tfevents",
        "tensor_double.tfevents")) {
      byte[] b = EventFileFixturesTest.resource(f);
      CLEAN.put(f, b);
      Result r = read(b);
      assertEquals(List.of(), r.errors(), f);
      CLEAN_POINTS.put(f, r.points());
    }
  }

  /** The points (name, step, value bits) and error records discovery makes of one file. */
  record Result(Set<String> points, List<ErrorRecord> errors) {}

  static Result read(byte[] file) throws IOException {
    Path run = dir.resolve("case-" + (case_++));
    Files.createDirectories(run);
    Files.write(run.resolve(NAME), file);
    SweepFolder.text(run.resolve("params.json"), "{\"lr\": 0.1}");
    Sweep s = SweepDiscovery.discover(run.toString(), SweepFolder.conf(1));
    Set<String> points = new HashSet<>();
    for (RunInfo r : s.runs()) {
      for (MetricSeries m : r.metrics().values()) {
        for (int i = 0; i < m.size(); i++) {
          points.add(m.name() + "@" + m.steps()[i] + "=" + Double.doubleToLongBits(m.values()[i]));
        }
      }
    }
    for (ErrorRecord e : s.errors()) {
      assertTrue(CODES.contains(e.error()), e.toString());
      assertTrue(e.source().contains("/" + run.getFileName() + "/" + NAME)
          || e.error().equals("empty_run"), e.toString());
    }
    return new Result(points, s.errors());
  }

  private interface Mutation {
    byte[] apply(byte[] clean, SplittableRandom rnd);
  }

  private static void check(String kind, Mutation m, boolean alwaysReported) throws IOException {
    SplittableRandom rnd = new SplittableRandom(SEED ^ kind.hashCode());
    for (int i = 0; i < N; i++) {
      for (Map.Entry<String, byte[]> e : CLEAN.entrySet()) {
        byte[] damaged = m.apply(e.getValue().clone(), rnd);
        Result r = read(damaged);
        String what = kind + " #" + i + " of " + e.getKey();
        Set<String> extra = new HashSet<>(r.points());
        extra.removeAll(CLEAN_POINTS.get(e.getKey()));
        assertEquals(Set.of(), extra, what + ": points that are not in the clean file");
        if (alwaysReported) {
          assertFalse(r.errors().isEmpty(), what + ": damage not reported");
        }
      }
    }
  }

  @Test
  void flippedBytesAreAlwaysReportedAndNeverInventPoints() throws IOException {
    check("flip", (b, rnd) -> {
      int k = 1 + rnd.nextInt(4);
      for (int j = 0; j < k; j++) {
        b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
      }
      return b;
    }, true);
  }

  @Test
  void truncationsKeepAPrefixOfThePoints() throws IOException {
    check("truncate", (b, rnd) -> java.util.Arrays.copyOf(b, rnd.nextInt(b.length)), false);
  }

  @Test
  void insertedDeletedAndOverwrittenRangesNeverInventPoints() throws IOException {
    check("splice", (b, rnd) -> {
      int at = rnd.nextInt(b.length);
      int len = 1 + rnd.nextInt(Math.min(64, b.length - at));
      byte[] noise = new byte[len];
      rnd.nextBytes(noise);
      return switch (rnd.nextInt(3)) {
        case 0 -> concat(java.util.Arrays.copyOf(b, at), noise,
            java.util.Arrays.copyOfRange(b, at, b.length));
        case 1 -> concat(java.util.Arrays.copyOf(b, at),
            java.util.Arrays.copyOfRange(b, at + len, b.length));
        default -> {
          System.arraycopy(noise, 0, b, at, len);
          yield b;
        }
      };
    }, false);
  }

  @Test
  void randomFilesAndRandomPayloadsInValidFramingAreReadWithoutFailing() throws IOException {
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (int i = 0; i < 3 * N; i++) {
      byte[] noise = new byte[rnd.nextInt(2000)];
      rnd.nextBytes(noise);
      Result r = read(noise);
      assertEquals(noise.length == 0, r.errors().stream().noneMatch(e -> !e.error()
          .equals("empty_run")), "random file of " + noise.length + " bytes");
      // random and mutated payloads with correct checksums reach the protobuf decoder
      EventFileWriter w = new EventFileWriter(EventFileWriter.Encoding.SIMPLE_VALUE);
      byte[] event = validEvent(rnd);
      for (int j = 0; j < 1 + rnd.nextInt(3); j++) {
        event[rnd.nextInt(event.length)] = (byte) rnd.nextInt(256);
      }
      w.record(noise).record(event);
      read(w.toBytes());
    }
  }

  @Test
  void deeplyNestedOrHugeLengthFieldsAreRefusedByTheDecoder() throws IOException {
    // a Summary.Value whose tag claims 2^62 bytes, and a varint of 11 bytes, in valid framing
    byte[] hugeLength = {0x2a, 0x0c, 0x0a, 0x0a, 0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40};
    byte[] longVarint = {0x10, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    byte[] group = {0x0b, 0x0c};
    EventFileWriter w = new EventFileWriter(EventFileWriter.Encoding.SIMPLE_VALUE)
        .record(hugeLength).record(longVarint).record(group).scalars(3, Map.of("loss", 0.5));
    Result r = read(w.toBytes());
    assertEquals(Set.of("loss@3=" + Double.doubleToLongBits(0.5)), r.points());
    assertEquals(1, r.errors().size(), r.errors().toString());
    String m = r.errors().get(0).message();
    assertTrue(m.contains("3 problems"), m);
    assertTrue(m.contains("runs past the end of its message"), m);
    assertTrue(m.contains("varint longer than 10 bytes"), m);
    assertTrue(m.contains("wire type 3 of field 1 is not supported"), m);
  }

  private static byte[] validEvent(SplittableRandom rnd) {
    EventFileWriter one = new EventFileWriter(rnd.nextBoolean()
        ? EventFileWriter.Encoding.SIMPLE_VALUE : EventFileWriter.Encoding.DOUBLE_TENSOR)
        .scalars(rnd.nextInt(1000), Map.of("loss", rnd.nextDouble(), "acc", rnd.nextDouble()));
    byte[] all = one.toBytes();
    // the last record's data: skip the file_version record and this record's 12-byte header
    int first = (int) (littleEndian(all, 0) + 16);
    int len = (int) littleEndian(all, first);
    return java.util.Arrays.copyOfRange(all, first + 12, first + 12 + len);
  }

  private static long littleEndian(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
