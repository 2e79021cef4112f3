package io.g4f.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.testing.ScriptedServer;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WHATWG event-stream rules, one case each (after OkHttp's ServerSentEventIteratorTest). */
class SseParserTest {

  private final List<SseParser.Event> events = new ArrayList<>();
  private final SseParser parser = new SseParser(events::add);

  private List<SseParser.Event> parse(String... pieces) {
    for (String piece : pieces) {
      parser.feed(Buffer.buffer(piece));
    }
    parser.end();
    return events;
  }

  private static SseParser.Event message(String data) {
    return new SseParser.Event("message", data, null, null);
  }

  private static List<SseParser.Event> parseBytes(byte[] bytes, int... splits) {
    List<SseParser.Event> out = new ArrayList<>();
    SseParser parser = new SseParser(out::add);
    int from = 0;
    for (int split : splits) {
      parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, from, split)));
      from = split;
    }
    parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, from, bytes.length)));
    parser.end();
    return out;
  }

  @Test
  void lfLineEnds() {
    assertThat(parse("data: hey\n\n")).containsExactly(message("hey"));
  }

  @Test
  void crlfLineEnds() {
    assertThat(parse("data: hey\r\n\r\n")).containsExactly(message("hey"));
  }

  @Test
  void loneCrLineEnds() {
    assertThat(parse("data: hey\r\r")).containsExactly(message("hey"));
  }

  @Test
  void mixedLineEnds() {
    assertThat(parse("data: a\r\ndata: b\ndata: c\r\r\ndata: d\n\r\n")).containsExactly(message("a\nb\nc"), message("d"));
  }

  @Test
  void crlfSplitAcrossBuffersIsOneLineEnd() {
    assertThat(parse("data: a\r", "\ndata: b\r", "\n\r", "\n")).containsExactly(message("a\nb"));
  }

  @Test
  void crAtTheEndOfABufferFollowedByAnotherLine() {
    assertThat(parse("data: a\r", "data: b\r", "\r")).containsExactly(message("a\nb"));
  }

  @Test
  void multiLineDataIsJoinedWithLf() {
    assertThat(parse("data: first\ndata: second\ndata: third\n\n")).containsExactly(message("first\nsecond\nthird"));
  }

  @Test
  void emptyDataValues() {
    assertThat(parse("data\n\ndata:\n\ndata:\ndata:\n\n")).containsExactly(message(""), message(""), message("\n"));
  }

  @Test
  void onlyOneLeadingSpaceIsStripped() {
    assertThat(parse("data:  two\n\ndata:none\n\n")).containsExactly(message(" two"), message("none"));
  }

  @Test
  void commentsAreIgnored() {
    assertThat(parse(": ping\n\n:\n\ndata: a\n: inside\ndata: b\n\n")).containsExactly(message("a\nb"));
  }

  @Test
  void aCommentOnlyStreamDispatchesNothing() {
    assertThat(parse(": keep-alive\n\n: keep-alive\n\n")).isEmpty();
  }

  @Test
  void eventTypeIsSetAndResetAfterDispatch() {
    assertThat(parse("event: error\ndata: x\n\ndata: y\n\n"))
        .containsExactly(new SseParser.Event("error", "x", null, null), message("y"));
  }

  @Test
  void anEventWithoutDataIsNotDispatchedAndItsTypeDoesNotLeak() {
    assertThat(parse("event: ping\n\ndata: y\n\n")).containsExactly(message("y"));
  }

  @Test
  void idPersistsAcrossEvents() {
    assertThat(parse("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n")).containsExactly(
        new SseParser.Event("message", "a", "1", null),
        new SseParser.Event("message", "b", "1", null),
        new SseParser.Event("message", "c", "", null));
  }

  @Test
  void idWithNulIsIgnored() {
    assertThat(parse("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n")).extracting(SseParser.Event::id)
        .containsExactly("1", "1");
  }

  @Test
  void retryMustBeAllDigits() {
    assertThat(parse("retry: 1500\ndata: a\n\nretry: 12a\ndata: b\n\nretry: -1\ndata: c\n\n"))
        .extracting(SseParser.Event::retry).containsExactly(1500L, 1500L, 1500L);
  }

  @Test
  void unknownFieldsAndFieldsWithoutColonAreIgnored() {
    assertThat(parse("foo: bar\nDATA: upper\nbare\ndata: kept\n\n")).containsExactly(message("kept"));
  }

  @Test
  void aFieldWithoutColonHasAnEmptyValue() {
    assertThat(parse("data\ndata\n\n")).containsExactly(message("\n"));
  }

  @Test
  void aLeadingBomIsSkippedOnlyAtTheStart() {
    assertThat(parse("\uFEFFdata: a\n\n\uFEFFdata: b\n\n")).containsExactly(message("a"));
    events.clear();
    assertThat(parseBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'd', 'a', 't', 'a', ':', 'x', '\n', '\n'}, 1, 2))
        .containsExactly(message("x"));
  }

  @Test
  void anIncompleteEventAtTheEndIsDiscarded() {
    assertThat(parse("data: complete\n\ndata: incomplete\n")).containsExactly(message("complete"));
  }

  @Test
  void doneIsAnOrdinaryEvent() {
    assertThat(parse("data: [DONE]\n\n")).containsExactly(message("[DONE]"));
  }

  @Test
  void multiByteCharactersSplitInsideTheCharacter() {
    byte[] bytes = "data: héllo 🐱 世界\n\n".getBytes(StandardCharsets.UTF_8);
    for (int split = 1; split < bytes.length; split++) {
      assertThat(parseBytes(bytes, split)).as("split at %d", split).containsExactly(message("héllo 🐱 世界"));
    }
  }

  @Test
  void invalidUtf8BecomesReplacementCharacters() {
    assertThat(parseBytes(new byte[] {'d', 'a', 't', 'a', ':', (byte) 0xC3, '\n', '\n'})).containsExactly(message("\uFFFD"));
  }

  @Test
  void aRealTranscriptParsesTheSameAtEverySplitPointAndByteByByte() {
    byte[] bytes = ScriptedServer.resource("transcripts/openai-chat-stream.txt").replace("\n", "\r\n")
        .getBytes(StandardCharsets.UTF_8);
    List<SseParser.Event> whole = parseBytes(bytes);
    assertThat(whole).hasSize(7);
    assertThat(whole.get(6).data()).isEqualTo("[DONE]");
    for (int split = 1; split < bytes.length; split++) {
      assertThat(parseBytes(bytes, split)).as("split at %d", split).isEqualTo(whole);
    }
    int[] everyByte = new int[bytes.length - 1];
    Arrays.setAll(everyByte, i -> i + 1);
    assertThat(parseBytes(bytes, everyByte)).isEqualTo(whole);
  }

  @Test
  void anOversizedLineIsRejected() {
    SseParser small = new SseParser(64, events::add);

    assertThatThrownBy(() -> small.feed(Buffer.buffer("data: " + "x".repeat(100))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("64 bytes");
  }

  @Test
  void anOversizedEventIsRejected() {
    SseParser small = new SseParser(64, events::add);

    assertThatThrownBy(() -> {
      for (int i = 0; i < 10; i++) {
        small.feed(Buffer.buffer("data: " + "x".repeat(20) + "\n"));
      }
    }).isInstanceOf(IllegalStateException.class).hasMessageContaining("64 bytes");
    assertThat(events).isEmpty();
  }
}
