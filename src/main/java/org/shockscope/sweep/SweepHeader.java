package org.shockscope.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;

/**
 * What a sweep's optional {@code sweep.json} says (SPEC §3a):
 * {@code {"name": ..., "model": {...}, "group_by": [...]}}. A missing or unusable file (one
 * error record) or field (one error record each) gives the defaults: the folder's name, no
 * model, no grouping.
 *
 * @param name      the sweep's name
 * @param modelJson the "model" value as compact JSON text, or null
 * @param groupBy   the "group_by" hyperparameter names
 */
record SweepHeader(String name, String modelJson, List<String> groupBy) {
  static final String FILE = "sweep.json";

  /** The header of the sweep in folder {@code root}. */
  static SweepHeader read(SweepFileSystem files, Listing root, ErrorLog log) {
    String name = root.name();
    FileStatus file = root.file(FILE);
    if (file == null) {
      return new SweepHeader(name, null, List.of());
    }
    String source = file.getPath().toString();
    JsonNode json = LenientJson.read(files, file, null, null, log);
    if (json == null) {
      return new SweepHeader(name, null, List.of());
    }
    if (!json.isObject()) {
      log.add(source, null, null, Problem.MALFORMED_JSON, source + " is not a JSON object");
      return new SweepHeader(name, null, List.of());
    }
    JsonNode n = json.get("name");
    if (n != null && !n.isNull()) {
      if (n.isTextual() && !n.textValue().isBlank()) {
        name = n.textValue();
      } else {
        log.add(source, null, null, Problem.BAD_VALUE, source + ": \"name\" must be a non-blank"
            + " string, found " + n);
      }
    }
    JsonNode model = json.get("model");
    String modelJson = model == null || model.isNull() ? null : LenientJson.text(model);
    List<String> groupBy = new ArrayList<>();
    JsonNode g = json.get("group_by");
    if (g != null && !g.isNull()) {
      boolean ok = g.isArray();
      for (int i = 0; ok && i < g.size(); i++) {
        ok = g.get(i).isTextual();
      }
      if (ok) {
        g.forEach(x -> groupBy.add(x.textValue()));
      } else {
        log.add(source, null, null, Problem.BAD_VALUE, source + ": \"group_by\" must be a list"
            + " of hyperparameter names, found " + g);
      }
    }
    return new SweepHeader(name, modelJson, groupBy);
  }
}
