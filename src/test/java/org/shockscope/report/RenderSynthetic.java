package org.shockscope.report;

import java.nio.file.Files;
import java.nio.file.Path;

/** Writes synthetic reports for manual inspection: args = runs, steps, events, errors, file. */
final class RenderSynthetic {
  public static void main(String[] a) throws Exception {
    ReportData d = SyntheticReport.of(Integer.parseInt(a[0]), Integer.parseInt(a[1]),
        Integer.parseInt(a[2]), Integer.parseInt(a[3]));
    Files.writeString(Path.of(a[4]), ReportWriter.render(d));
  }
}
