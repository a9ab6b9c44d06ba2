package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.shockscope.forecast.Alert;

class AlertWebhookTest {
  private static final Alert ALERT = new Alert("run \"a\"", 30, Alert.DIVERGENCE, 0.9, 10, 4.0,
      List.of("loss", "fc1/spectral_norm"), "precursor", Instant.parse("2026-12-04T12:00:00Z"));

  @Test
  void aCyclesAlertsArePostedAsOneJsonArray() throws IOException {
    List<String> bodies = new CopyOnWriteArrayList<>();
    List<String> types = new CopyOnWriteArrayList<>();
    HttpServer server = receiver(204, bodies, types);
    try {
      String problem = new AlertWebhook(url(server)).post(List.of(ALERT, ALERT));
      assertNull(problem);
    } finally {
      server.stop(0);
    }
    String one = "{\"run_id\":\"run \\\"a\\\"\",\"step\":30,\"kind\":\"divergence\","
        + "\"probability\":0.9,\"horizon\":10,\"lead\":4.0,"
        + "\"series\":[\"loss\",\"fc1/spectral_norm\"],\"method\":\"precursor\","
        + "\"issued_at\":\"2026-12-04T12:00:00Z\"}";
    assertEquals(List.of("[" + one + "," + one + "]"), bodies);
    assertEquals(List.of("application/json"), types);
  }

  @Test
  void aFailingWebhookIsReportedNotThrown() throws IOException {
    HttpServer server = receiver(500, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    URI url = url(server);
    String problem;
    try {
      problem = new AlertWebhook(url).post(List.of(ALERT));
    } finally {
      server.stop(0);
    }
    assertEquals("webhook " + url + " answered HTTP 500 to 1 alert(s)", problem);
    // nothing listens any more
    String refused = new AlertWebhook(url).post(List.of(ALERT));
    assertTrue(refused.startsWith("webhook " + url + " failed for 1 alert(s): "), refused);
  }

  private static HttpServer receiver(int status, List<String> bodies, List<String> types)
      throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/hook", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      types.add(ex.getRequestHeaders().getFirst("Content-Type"));
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    s.start();
    return s;
  }

  private static URI url(HttpServer s) {
    return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/hook");
  }
}
