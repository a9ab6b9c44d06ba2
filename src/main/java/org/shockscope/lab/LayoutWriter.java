package org.shockscope.lab;

import java.io.IOException;

/** Writes trained runs into one sweep layout as they finish, then the sweep-level files. */
interface LayoutWriter {
  /** Writes run number {@code index} (0-based, in plan order). */
  void write(int index, TrainedRun run) throws IOException;

  /** Writes the files that describe the whole sweep, after the last run. */
  void finish() throws IOException;
}
