package org.shockscope.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.FileStatus;
import org.shockscope.sweep.ProtoReader.MalformedProtoException;

/**
 * Reads the scalar series of one TensorBoard event file ({@code events.out.tfevents.*}): its
 * TFRecord framing through {@link TfRecordReader}, each record's {@code Event} through
 * {@link EventDecoder}. Each scalar is a point of the metric {@code names.apply(tag)} at the
 * event's step; within the file, a step logged twice keeps the value logged last.
 *
 * <p>Damage is reported, never fatal, and never hides the rest of the file where the framing
 * allows reading it: records that fail their data checksum, are over
 * {@link DiscoveryLimits#maxRecordBytes()}, are not an {@code Event} message, have a negative
 * step or hold a scalar tag's value that is no scalar are skipped and summarised in one
 * {@code bad_records} error record (count, first offsets and reasons); a length that fails its
 * checksum ({@code broken_framing}) or a file that ends inside a record ({@code truncated})
 * ends the file with an error record naming the offset, and the points read before it are
 * kept. A file that cannot be opened or read gives one {@code unreadable} record and no point.
 */
final class EventFileReader {
  private EventFileReader() {}

  static void read(SweepFileSystem files, FileStatus file, String runId,
                   UnaryOperator<String> names, SeriesAccumulator into, ErrorLog log) {
    String source = file.getPath().toString();
    SeriesAccumulator local = new SeriesAccumulator();
    LineProblems skipped = new LineProblems();
    EventDecoder decoder = new EventDecoder();
    long records = 0;
    try (InputStream in = files.open(file)) {
      TfRecordReader reader = new TfRecordReader(in, source, file.getLen(),
          files.limits().maxRecordBytes(), (offset, what) -> skipped.add("offset " + offset,
          what));
      for (byte[] data = reader.next(); data != null; data = reader.next()) {
        records++;
        String at = "offset " + reader.offset();
        EventDecoder.Event event;
        try {
          event = decoder.decode(data);
        } catch (MalformedProtoException e) {
          skipped.add(at, "not an Event message: " + e.getMessage());
          continue;
        }
        if (event.step() < 0) {
          skipped.add(at, "step " + event.step() + " is negative");
          continue;
        }
        for (String p : event.problems()) {
          skipped.add(at + " (step " + event.step() + ")", p);
        }
        for (EventDecoder.Scalar s : event.scalars()) {
          if (s.tag().isBlank()) {
            skipped.add(at + " (step " + event.step() + ")", "a scalar without a tag");
          } else {
            local.add(names.apply(s.tag()), event.step(), s.value());
          }
        }
      }
    } catch (TfRecordException e) {
      log.add(source, runId, null, e.kind() == TfRecordException.Kind.BAD_LENGTH_CRC
          ? Problem.BROKEN_FRAMING : Problem.TRUNCATED, e.getMessage() + "; the " + records
          + " records before it were used");
    } catch (IOException e) {
      log.io(source, runId, null, e);
      return;
    }
    into.addAll(local);
    skipped.report(log, source, runId, Problem.BAD_RECORDS, "records or values");
  }
}
