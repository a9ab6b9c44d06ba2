package org.shockscope.sweep;

import java.util.List;
import java.util.Objects;
import org.shockscope.ErrorRecord;

/**
 * A discovered sweep: its runs, and every input that could not be used (stage
 * {@code discovery}).
 *
 * @param uri       fully qualified URI of the sweep folder ({@code file:/data/sweep}, ...)
 * @param layout    the layout that was detected
 * @param name      {@code sweep.json} "name", else the folder's name
 * @param modelJson the {@code sweep.json} "model" value as compact JSON text, or null
 * @param groupBy   {@code sweep.json} "group_by" (hyperparameters defining a cell), or empty
 * @param runs      the runs, sorted by run id
 * @param errors    problems found, in a deterministic order (sweep files, then runs in order)
 */
public record Sweep(String uri, SweepLayout layout, String name, String modelJson,
                   List<String> groupBy, List<RunInfo> runs, List<ErrorRecord> errors) {
  public Sweep {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(name, "name");
    groupBy = List.copyOf(groupBy);
    runs = List.copyOf(runs);
    errors = List.copyOf(errors);
  }
}
