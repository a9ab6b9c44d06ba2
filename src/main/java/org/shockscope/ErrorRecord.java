package org.shockscope;

import java.util.Objects;

/**
 * One input that could not be used, and why: a row of the {@code errors} table (SPEC §7).
 *
 * @param source  the file or folder URI the problem was found in
 * @param runId   the run it belongs to, or {@code null} when it belongs to none
 * @param step    the training step it belongs to, or {@code null}
 * @param stage   the pipeline stage that refused it ({@code discovery}, {@code read},
 *                {@code observables}, {@code shocks}, ...)
 * @param error   a short machine-readable kind (the exception's simple class name, or a code)
 * @param message a human-readable explanation naming the file and what is wrong
 */
public record ErrorRecord(String source, String runId, Long step, String stage, String error,
                          String message) {
  public ErrorRecord {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(message, "message");
  }

  /** An error record built from a caught exception, its kind being the exception's class name. */
  public static ErrorRecord of(String source, String runId, Long step, String stage, Throwable t) {
    String msg = t.getMessage() == null ? t.toString() : t.getMessage();
    return new ErrorRecord(source, runId, step, stage, t.getClass().getSimpleName(), msg);
  }
}
