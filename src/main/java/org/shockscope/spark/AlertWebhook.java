package org.shockscope.spark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.shockscope.forecast.Alert;

/**
 * POSTs a watch cycle's alerts to a webhook as one JSON array ({@code Content-Type:
 * application/json}), one object per alert:
 * <pre>{@code
 * [{"run_id": "...", "step": 30, "kind": "divergence", "probability": 0.97, "horizon": 10,
 *   "lead": 4.0, "series": ["loss"], "method": "precursor",
 *   "issued_at": "2026-12-04T15:00:00Z"}]
 * }</pre>
 * A cycle without alerts posts nothing. The request and the connection each time out after
 * {@link #TIMEOUT}; any answer other than 2xx, a time-out or an I/O failure is returned as a
 * message, never thrown: a webhook that fails must not stop the watcher.
 */
final class AlertWebhook {
  /** Connect and request time-out. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** {@code stage} of a failed post in the {@code errors} table. */
  static final String STAGE = "webhook";

  private final URI url;
  private final HttpClient client;

  AlertWebhook(URI url) {
    this.url = url;
    this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  URI url() {
    return url;
  }

  /**
   * Posts {@code alerts}; null when the webhook answered 2xx, else what went wrong (with the
   * URL and the status or the exception).
   */
  String post(List<Alert> alerts) {
    HttpRequest req = HttpRequest.newBuilder(url).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json(alerts), StandardCharsets.UTF_8)).build();
    try {
      HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 == 2) {
        return null;
      }
      String body = r.body() == null ? "" : r.body();
      return "webhook " + url + " answered HTTP " + r.statusCode() + " to " + alerts.size()
          + " alert(s)" + (body.isBlank() ? "" : ": " + body.substring(0, Math.min(200,
          body.length())));
    } catch (IOException e) {
      return "webhook " + url + " failed for " + alerts.size() + " alert(s): " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "webhook " + url + " interrupted with " + alerts.size() + " alert(s) unsent";
    }
  }

  /** The alerts as a JSON array (NaN and infinite numbers as null). */
  static String json(List<Alert> alerts) {
    StringBuilder b = new StringBuilder("[");
    for (Alert a : alerts) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("{\"run_id\":").append(text(a.runId()))
          .append(",\"step\":").append(a.step())
          .append(",\"kind\":").append(text(a.kind()))
          .append(",\"probability\":").append(number(a.probability()))
          .append(",\"horizon\":").append(a.horizon())
          .append(",\"lead\":").append(number(a.lead()))
          .append(",\"series\":[");
      for (int i = 0; i < a.series().size(); i++) {
        b.append(i > 0 ? "," : "").append(text(a.series().get(i)));
      }
      b.append("],\"method\":").append(text(a.method()))
          .append(",\"issued_at\":").append(text(a.issuedAt().toString())).append('}');
    }
    return b.append(']').toString();
  }

  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  /** A JSON string literal (RFC 8259 escapes). */
  static String text(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
