package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.shockscope.ErrorRecord;

/**
 * The event-file fixtures of {@code src/test/resources/fixtures/tensorboard/make_event_fixtures.py}
 * (a Hugging Face Trainer run logged both to {@code trainer_state.json} and, through its
 * TensorBoard callback, to event files in both scalar encodings) read to the series of the
 * JSON log; the script's damaged copies give the error records and keep the records the
 * framing allows.
 */
class EventFileFixturesTest {
  private static final String DIR = "/fixtures/tensorboard/";
  private static final String EVENT_NAME = "events.out.tfevents.1733270400.host.4242.0";

  @TempDir
  Path dir;

  static byte[] resource(String name) throws IOException {
    try (InputStream in = EventFileFixturesTest.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IOException("missing fixture " + DIR + name);
      }
      return in.readAllBytes();
    }
  }

  private static JsonNode expected() throws IOException {
    return new ObjectMapper().readTree(resource("expected.json"));
  }

  /** A Trainer output folder {@code run} holding {@code events} under runs/ (and no JSON log). */
  private Path trainerRun(String run, String events) throws IOException {
    Path r = dir.resolve(run);
    Files.createDirectories(r.resolve("runs/Dec04_00-00-00_host"));
    Files.write(r.resolve("runs/Dec04_00-00-00_host/" + EVENT_NAME), resource(events));
    SweepFolder.text(r.resolve("training_args.bin"), "pickle, never read");
    return r;
  }

  private static Sweep discover(Path p) {
    return SweepDiscovery.discover(p.toString(), SweepFolder.conf(1));
  }

  private Map<String, MetricSeries> jsonSeries() throws IOException {
    Path r = dir.resolve("json-run");
    Files.createDirectories(r);
    Files.write(r.resolve("trainer_state.json"), resource("trainer_state.json"));
    Sweep s = discover(r);
    assertEquals(List.of(), s.errors());
    return s.runs().get(0).metrics();
  }

  @Test
  void doubleTensorEventsReadToExactlyTheSeriesOfTheJsonLog() throws IOException {
    Sweep s = discover(trainerRun("double", "tensor_double.tfevents"));
    assertEquals(List.of(), s.errors());
    assertEquals(jsonSeries(), s.runs().get(0).metrics());
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple_value.tfevents", "tensor_float.tfevents"})
  void float32EventsReadToTheJsonSeriesAsFloat32HoldsThem(String events) throws IOException {
    Sweep s = discover(trainerRun("f32", events));
    assertEquals(List.of(), s.errors());
    Map<String, MetricSeries> json = jsonSeries();
    Map<String, MetricSeries> ev = s.runs().get(0).metrics();
    assertEquals(json.keySet(), ev.keySet());
    for (MetricSeries j : json.values()) {
      MetricSeries e = ev.get(j.name());
      assertArrayEquals(j.steps(), e.steps(), j.name());
      double[] asLogged = Arrays.stream(j.values()).map(v -> EventDecoder.widen((float) v))
          .toArray();
      assertArrayEquals(asLogged, e.values(), 0.0, j.name());
    }
    // values with at most 7 significant digits (the Trainer rounds its loss to 4) come back
    // exactly as logged, NaN included
    for (String exact : List.of("loss", "eval_loss", "epoch", "train_loss", "total_flos")) {
      assertEquals(json.get(exact), ev.get(exact), exact);
    }
    assertTrue(Double.isNaN(ev.get("loss").values()[ev.get("loss").size() - 1]));
    assertEquals(Double.POSITIVE_INFINITY,
        ev.get("grad_norm").values()[ev.get("grad_norm").size() - 1]);
  }

  @Test
  void aRecordFailingItsDataChecksumIsSkippedAndTheRestOfTheFileIsUsed() throws IOException {
    long offset = expected().get("bad_record_offset").asLong();
    Sweep s = discover(trainerRun("bad-data", "bad_data_crc.tfevents"));
    ErrorRecord e = single(s.errors());
    assertEquals("bad_records", e.error());
    assertTrue(e.source().endsWith(EVENT_NAME), e.source());
    assertTrue(e.message().contains("offset " + offset + ": the checksum of the record's"),
        e.message());
    MetricSeries loss = s.runs().get(0).metrics().get("loss");
    MetricSeries clean = jsonSeries().get("loss");
    assertEquals(clean.size() - 1, loss.size());
    assertTrue(Arrays.stream(loss.steps()).noneMatch(st -> st == 50));
    assertEquals(clean.steps()[clean.size() - 1], loss.steps()[loss.size() - 1]);
    assertEquals(jsonSeries().get("eval_loss"), s.runs().get(0).metrics().get("eval_loss"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad_length_crc.tfevents:broken_framing:the checksum of the record length",
      "truncated.tfevents:truncated:the file ends inside a record of",
      "huge_length.tfevents:truncated:the file ends inside a record of 1099511627776 bytes"})
  void lostFramingEndsTheFileAtTheDamagedRecordKeepingWhatCameBefore(String spec)
      throws IOException {
    String[] p = spec.split(":");
    JsonNode x = expected();
    Sweep s = discover(trainerRun("broken", p[0]));
    ErrorRecord e = single(s.errors());
    assertEquals(p[1], e.error());
    assertTrue(e.message().contains("at offset " + x.get("bad_record_offset").asLong() + ": "
        + p[2]), e.message());
    MetricSeries loss = s.runs().get(0).metrics().get("loss");
    assertEquals(x.get("logs_before").asInt(), loss.size());
    assertArrayEquals(Arrays.copyOf(jsonSeries().get("loss").values(), loss.size()),
        loss.values(), 0.0);
  }

  @Test
  void recordsOverTheLengthLimitAreSkippedWithTheirOffset() throws IOException {
    byte[] small = new byte[] {0x10, 0x07};  // Event{step: 7}: no scalar
    byte[] big = new byte[5000];
    EventFileWriter w = new EventFileWriter(EventFileWriter.Encoding.DOUBLE_TENSOR)
        .scalars(1, Map.of("loss", 2.0)).record(small);
    int bigOffset = w.toBytes().length;
    w.record(big).scalars(2, Map.of("loss", 1.0));
    Path run = dir.resolve("limit");
    w.write(run.resolve(EVENT_NAME));
    var conf = SweepFolder.conf(1);
    conf.setInt(DiscoveryLimits.MAX_RECORD_BYTES, 1000);
    Sweep s = SweepDiscovery.discover(run.toString(), conf);
    ErrorRecord e = single(s.errors());
    assertEquals("bad_records", e.error());
    assertTrue(e.message().contains("offset " + bigOffset + ": record of 5000 bytes is over the"
        + " limit of 1000 bytes; skipped"), e.message());
    assertEquals(new MetricSeries("loss", new long[] {1, 2}, new double[] {2.0, 1.0}),
        s.runs().get(0).metrics().get("loss"));
  }

  @Test
  void widenGivesTheShortestDecimalOfAFloat() {
    assertEquals(0.6931, EventDecoder.widen(0.6931f));
    assertEquals(4.5e-05, EventDecoder.widen(4.5e-05f));
    assertEquals(1e30, EventDecoder.widen(1e30f));
    assertEquals(1e-45, EventDecoder.widen(Float.MIN_VALUE));
    assertEquals(-0.1, EventDecoder.widen(-0.1f));
    assertEquals(16777217.0 - 1, EventDecoder.widen(16777216f));
    assertTrue(Double.isNaN(EventDecoder.widen(Float.NaN)));
    assertEquals(Double.NEGATIVE_INFINITY, EventDecoder.widen(Float.NEGATIVE_INFINITY));
    for (float f : new float[] {1.1f, 3.4028235e38f, 1.17549435e-38f, 0.3f, 123456.79f}) {
      assertEquals(f, (float) EventDecoder.widen(f));
    }
  }

  private static ErrorRecord single(List<ErrorRecord> errors) {
    assertEquals(1, errors.size(), errors.toString());
    return errors.get(0);
  }
}
