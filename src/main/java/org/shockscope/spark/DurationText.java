package org.shockscope.spark;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in options ({@code analyze --watch 30s}, {@code --watch-for 2h}): one or
 * more whole numbers each followed by a unit — {@code ms}, {@code s}, {@code m}, {@code h},
 * {@code d} — as in {@code 90s}, {@code 5m}, {@code 1h30m}; or an ISO-8601 duration
 * ({@code PT30S}). Stateless static operations.
 */
public final class DurationText {
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
  private static final Pattern WHOLE = Pattern.compile("(?:[0-9]+(?:ms|s|m|h|d))+");

  private DurationText() {}

  /**
   * Parses {@code text}.
   *
   * @param option the option's name, for the message
   * @throws IllegalArgumentException naming the option and the text when it is not a duration
   *     or is not positive
   */
  public static Duration parse(String option, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(option + ": a duration is needed (e.g. 30s, 5m, 1h30m)");
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    Duration d;
    if (s.startsWith("p")) {
      try {
        d = Duration.parse(s.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(option + ": '" + text + "' is not an ISO-8601 "
            + "duration (e.g. PT30S)", e);
      }
    } else {
      if (!WHOLE.matcher(s).matches()) {
        throw new IllegalArgumentException(option + ": '" + text + "' is not a duration; write "
            + "a number and a unit (ms, s, m, h, d), e.g. 30s, 5m, 1h30m");
      }
      d = Duration.ZERO;
      Matcher m = PART.matcher(s);
      while (m.find()) {
        long n;
        try {
          n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(option + ": '" + text + "' is too long", e);
        }
        d = d.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(option + ": the duration must be positive, got '"
          + text + "'");
    }
    return d;
  }
}
