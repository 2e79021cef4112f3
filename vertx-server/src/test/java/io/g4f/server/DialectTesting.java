package io.g4f.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Golden transcripts of the APIs served through chat: server-sent events and JSON, with random ids and times normalized. */
final class DialectTesting {

  /** The ids the gateway makes up ({@code resp_}, {@code msg_}, {@code fc_} and 48 hex digits). */
  private static final Pattern IDS = Pattern.compile("\"(resp|msg|fc)_[0-9a-f]{48}\"");

  private DialectTesting() {
  }

  /** One server-sent event. */
  record Event(String type, JsonObject data) {
  }

  /** The events of an SSE body (each {@code event:} line and its one {@code data:} line). */
  static List<Event> events(String body) {
    List<Event> events = new ArrayList<>();
    String type = null;
    for (String line : body.split("\n")) {
      if (line.startsWith("event: ")) {
        type = line.substring(7);
      } else if (line.startsWith("data: ")) {
        events.add(new Event(type, new JsonObject(normalize(line.substring(6)))));
        type = null;
      } else {
        assertThat(line).as("only event and data lines, each event ended by an empty line").isEmpty();
      }
    }
    return events;
  }

  /** {@code json} with the gateway's random ids as {@code resp_ID}, {@code msg_ID}, {@code fc_ID} and times as 0. */
  static String normalize(String json) {
    return IDS.matcher(json).replaceAll("\"$1_ID\"").replaceAll("\"created_at\"\\s*:\\s*\\d+", "\"created_at\":0");
  }

  /** Asserts {@code body} (SSE) has exactly the events of the golden transcript {@code golden/NAME}, in order. */
  static void assertGoldenEvents(String body, String name) {
    List<Event> actual = events(body);
    List<Event> expected = events(ScriptedServer.resource("golden/" + name));
    assertThat(actual.stream().map(Event::type).toList()).as("event types")
        .containsExactlyElementsOf(expected.stream().map(Event::type).toList());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).data()).as("event %d (%s)", i, expected.get(i).type()).isEqualTo(expected.get(i).data());
    }
  }

  /** Asserts {@code json} equals the golden {@code golden/NAME} once normalized. */
  static void assertGoldenJson(JsonObject json, String name) {
    assertThat(new JsonObject(normalize(json.encode())))
        .isEqualTo(new JsonObject(ScriptedServer.resource("golden/" + name)));
  }

  /** The chat messages an upstream was sent. */
  static JsonArray sentMessages(ScriptedServer upstream) {
    return upstream.last().json().getJsonArray("messages");
  }
}
