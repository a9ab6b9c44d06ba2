package org.shockscope.lab;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.shockscope.io.NumpyWriter;
import org.shockscope.io.SafetensorsWriter;
import org.shockscope.io.Tensor;

/**
 * Writes the files of a sweep, creating parent folders. JSON is indented by two spaces with
 * {@code "key": value} separators as Python's {@code json.dump(indent=2)} writes it, and
 * non-finite numbers are written bare ({@code NaN}, {@code Infinity}) as Python writes them.
 * CSV is RFC 4180 with {@code \n} line ends.
 */
final class SweepFiles {
  /** The JSON writer: Python's layout, non-finite numbers as bare tokens. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();
  private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(
      Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n"));
  static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build();

  private SweepFiles() {}

  static void bytes(Path file, byte[] data) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }

  static void text(Path file, String text) throws IOException {
    bytes(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code value} (maps, lists, numbers, strings, booleans, null) as indented JSON. */
  static void json(Path file, Object value) throws IOException {
    text(file, JSON.writer(PRETTY).writeValueAsString(value) + "\n");
  }

  static void csv(Path file, List<String> header, List<List<String>> rows) throws IOException {
    StringWriter out = new StringWriter();
    try (CSVPrinter p = new CSVPrinter(out, CSV)) {
      p.printRecord(header);
      for (List<String> row : rows) {
        p.printRecord(row);
      }
    }
    text(file, out.toString());
  }

  static void safetensors(Path file, List<Tensor> tensors) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      SafetensorsWriter.write(out, tensors, Map.of("format", "pt"));
    }
  }

  static void npz(Path file, List<Tensor> tensors) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      NumpyWriter.writeNpz(out, tensors);
    }
  }
}
