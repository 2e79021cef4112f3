package io.g4f.client.spi.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.spi.toolkit.SseParser.Event;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Edge cases of {@link SseParser}, one test per rule of the WHATWG event stream format. */
class SseParserTest {

  private static final String OPENAI_TRANSCRIPT = ""
      + ": OPENROUTER PROCESSING\n"
      + "\n"
      + "data: {\"id\":\"chatcmpl-9xYz\",\"object\":\"chat.completion.chunk\",\"created\":1718000000,"
      + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
      + "\"content\":\"\"},\"finish_reason\":null}]}\n"
      + "\n"
      + "data: {\"id\":\"chatcmpl-9xYz\",\"object\":\"chat.completion.chunk\",\"created\":1718000000,"
      + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"héllo 🐱\"},"
      + "\"finish_reason\":null}]}\n"
      + "\n"
      + ": ping\n"
      + "\n"
      + "data: {\"id\":\"chatcmpl-9xYz\",\"object\":\"chat.completion.chunk\",\"created\":1718000000,"
      + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" 世界\"},"
      + "\"finish_reason\":null}]}\n"
      + "\n"
      + "data: {\"id\":\"chatcmpl-9xYz\",\"object\":\"chat.completion.chunk\",\"created\":1718000000,"
      + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},"
      + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4}}\n"
      + "\n"
      + "data: [DONE]\n"
      + "\n";

  // ---------------------------------------------------------------- helpers

  private static Buffer buf(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Event msg(String data) {
    return new Event("message", data, null, null);
  }

  /** Feeds each string as its own buffer, then ends the stream. */
  private static List<Event> parse(String... chunks) {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (String chunk : chunks) {
      parser.feed(buf(chunk));
    }
    parser.end();
    return events;
  }

  /** Feeds each byte array as its own buffer, then ends the stream. */
  private static List<Event> parseBytes(byte[]... chunks) {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (byte[] chunk : chunks) {
      parser.feed(Buffer.buffer(chunk));
    }
    parser.end();
    return events;
  }

  /** Feeds {@code all} cut at the given ascending positions. */
  private static List<Event> parseSplitAt(byte[] all, int... cuts) {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    int start = 0;
    for (int cut : cuts) {
      parser.feed(Buffer.buffer(Arrays.copyOfRange(all, start, cut)));
      start = cut;
    }
    parser.feed(Buffer.buffer(Arrays.copyOfRange(all, start, all.length)));
    parser.end();
    return events;
  }

  private static List<Event> parseByteByByte(byte[] all) {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (byte b : all) {
      parser.feed(Buffer.buffer(new byte[] {b}));
    }
    parser.end();
    return events;
  }

  /** Asserts that every single split point and byte-by-byte feeding give {@code expected}. */
  private static void assertSplitInvariant(byte[] all, List<Event> expected) {
    for (int i = 0; i <= all.length; i++) {
      assertThat(parseSplitAt(all, i)).as("split at %d", i).isEqualTo(expected);
    }
    assertThat(parseByteByByte(all)).as("byte by byte").isEqualTo(expected);
  }

  private static List<Event> openAiExpected() {
    String[] lines = OPENAI_TRANSCRIPT.split("\n");
    List<Event> expected = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("data: ")) {
        expected.add(msg(line.substring("data: ".length())));
      }
    }
    return expected;
  }

  // ---------------------------------------------------------------- line endings

  @Test
  void lfLineEndings() {
    assertThat(parse("data: YHOO\ndata: +2\ndata: 10\n\n")).containsExactly(msg("YHOO\n+2\n10"));
  }

  @Test
  void crlfLineEndings() {
    assertThat(parse("data: YHOO\r\ndata: +2\r\ndata: 10\r\n\r\n"))
        .containsExactly(msg("YHOO\n+2\n10"));
  }

  @Test
  void loneCrLineEndings() {
    assertThat(parse("data: YHOO\rdata: +2\rdata: 10\r\r")).containsExactly(msg("YHOO\n+2\n10"));
  }

  @Test
  void mixedLineEndings() {
    assertThat(parse("data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\rdata: e\n\n"))
        .containsExactly(msg("a\nb\nc"), msg("d"), msg("e"));
  }

  @Test
  void crAtEndOfBufferAndLfAtStartOfNextIsOneTerminator() {
    // Were the split CRLF counted twice, the LF would be a blank line dispatching "a" alone.
    assertThat(parse("data: a\r", "\ndata: b\r", "\n\r", "\n"))
        .containsExactly(msg("a\nb"));
  }

  @Test
  void splitCrLfProducesNoSpuriousDispatchOfLaterEvent() {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(buf("data: a\r\n\r"));
    assertThat(events).containsExactly(msg("a"));
    parser.feed(buf("\n"));
    parser.feed(buf("data: b\r"));
    parser.feed(buf("\n"));
    assertThat(events).containsExactly(msg("a"));
    parser.feed(buf("\r\n"));
    assertThat(events).containsExactly(msg("a"), msg("b"));
  }

  @Test
  void loneCrAtBufferEndFollowedByNonLfLine() {
    assertThat(parse("data: a\r", "data: b\r", "\r")).containsExactly(msg("a\nb"));
  }

  @Test
  void loneCrAtBufferEndFollowedByCrIsBlankLine() {
    assertThat(parse("data: a\r", "\rdata: b\r", "\r")).containsExactly(msg("a"), msg("b"));
  }

  @Test
  void crTerminatedBlankLineDispatchesWithoutWaitingForMoreBytes() {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(buf("data: x\r\r"));
    assertThat(events).containsExactly(msg("x"));
  }

  @Test
  void lfAfterCrOnlySkippedOnce() {
    // "\r\n\n": CRLF ends the data line, the second LF is a blank line.
    assertThat(parse("data: a\r", "\n", "\n")).containsExactly(msg("a"));
    assertThat(parse("data: a\r\n", "\n")).containsExactly(msg("a"));
  }

  // ---------------------------------------------------------------- splitting

  @Test
  void everySplitPointOfOpenAiTranscript() {
    List<Event> expected = openAiExpected();
    assertThat(expected).hasSize(5);
    assertThat(expected.get(1).data()).contains("héllo 🐱");
    assertThat(expected.get(4).data()).isEqualTo("[DONE]");
    byte[] all = utf8(OPENAI_TRANSCRIPT);
    assertThat(parseBytes(all)).isEqualTo(expected);
    assertSplitInvariant(all, expected);
  }

  @Test
  void everySplitPointOfOpenAiTranscriptWithCrLf() {
    assertSplitInvariant(utf8(OPENAI_TRANSCRIPT.replace("\n", "\r\n")), openAiExpected());
  }

  @Test
  void everySplitPointOfOpenAiTranscriptWithLoneCr() {
    assertSplitInvariant(utf8(OPENAI_TRANSCRIPT.replace("\n", "\r")), openAiExpected());
  }

  @Test
  void randomMultiSplitsOfOpenAiTranscript() {
    byte[] all = utf8(OPENAI_TRANSCRIPT.replace("\n", "\r\n"));
    List<Event> expected = openAiExpected();
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      int[] cuts = random.ints(1 + random.nextInt(20), 0, all.length + 1).sorted().toArray();
      assertThat(parseSplitAt(all, cuts)).as("cuts %s", Arrays.toString(cuts))
          .isEqualTo(expected);
    }
  }

  @Test
  void wholeTranscriptInOneBufferLargerThanInternalChunk() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      sb.append(OPENAI_TRANSCRIPT.replace("\n", "\r\n"));
    }
    List<Event> events = parse(sb.toString());
    assertThat(events).hasSize(1000);
    for (int i = 0; i < 200; i++) {
      assertThat(events.subList(i * 5, i * 5 + 5)).isEqualTo(openAiExpected());
    }
  }

  @Test
  void crLfStraddlingInternalChunkBoundaryInsideOneBuffer() {
    // The parser copies 8 KiB at a time; put CR at index 8191 and LF at 8192.
    for (int crIndex = 8189; crIndex <= 8194; crIndex++) {
      String payload = "x".repeat(crIndex - "data: ".length());
      List<Event> events = parse("data: " + payload + "\r\n\r\ndata: next\r\n\r\n");
      assertThat(events).as("CR at %d", crIndex).containsExactly(msg(payload), msg("next"));
    }
  }

  @Test
  void lineLongerThanInternalChunkSpanningBuffers() {
    String payload = "y".repeat(100_000);
    byte[] all = utf8("data: " + payload + "\n\n");
    assertThat(parseSplitAt(all, 3, 9000, 50_000)).containsExactly(msg(payload));
  }

  // ---------------------------------------------------------------- UTF-8

  @Test
  void multiByteUtf8SplitInsideCharacter() {
    byte[] all = utf8("data: héllo 🐱 世界\n\n");
    assertSplitInvariant(all, List.of(msg("héllo 🐱 世界")));
  }

  @Test
  void parsersOfOneThreadKeepTheirOwnIncompleteLinesAndEvents() {
    List<Event> first = new ArrayList<>();
    List<Event> second = new ArrayList<>();
    List<Event> nested = new ArrayList<>();
    SseParser inner = new SseParser(nested::add);
    SseParser a = new SseParser(event -> {
      first.add(event);
      inner.feed(buf("data: in"));
      inner.feed(buf("ner\n\n"));
    });
    SseParser b = new SseParser(second::add);

    a.feed(buf("data: one\ndata: hel"));
    b.feed(buf("data: wor"));
    a.feed(buf("lo\n"));
    b.feed(buf("ld\ndata: two\n"));
    a.feed(buf("\n"));
    b.feed(buf("\n"));

    assertThat(first).containsExactly(msg("one\nhello"));
    assertThat(second).containsExactly(msg("world\ntwo"));
    assertThat(nested).containsExactly(msg("inner"));
  }

  @Test
  void anEventsDataIsComparedAndReadAsJsonFromItsBytes() {
    List<Event> events = parse("data: [DONE]\n\ndata: é世\n\ndata: {\"id\":\"c\",\"object\":\"x\"}\n\n");

    assertThat(events.get(0).dataIs("[DONE]")).isTrue();
    assertThat(events.get(0).dataIs("[DONE")).isFalse();
    assertThat(events.get(1).dataIs("é世")).isTrue();
    assertThat(events.get(1).dataIs("e世")).isFalse();
    assertThat(events.get(2).dataIs("[DONE]")).isFalse();
    assertThat(events.get(2).dataAs(Map.class)).containsEntry("id", "c").containsEntry("object", "x");
    assertThat(events.get(2).dataAs(Map.class)).isEqualTo(new Event("message", events.get(2).data(), null, null)
        .dataAs(Map.class));
    assertThat(new Event("message", "[DONE]", null, null).dataIs("[DONE]")).isTrue();
    assertThatThrownBy(() -> events.get(0).dataAs(Map.class)).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void multiByteUtf8SplitAtEveryPairOfPoints() {
    byte[] all = utf8("event: 🐱\ndata: é世🐱\n\n");
    List<Event> expected = List.of(new Event("🐱", "é世🐱", null, null));
    for (int i = 0; i <= all.length; i++) {
      for (int j = i; j <= all.length; j++) {
        assertThat(parseSplitAt(all, i, j)).as("cuts %d %d", i, j).isEqualTo(expected);
      }
    }
  }

  @Test
  void invalidUtf8BecomesReplacementCharacter() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8("data: a"));
    out.write(0xFF);
    out.writeBytes(utf8("b"));
    out.write(0xE4); // truncated 3-byte sequence (first two bytes of 世)
    out.write(0xB8);
    out.writeBytes(utf8("\n\n"));
    assertThat(parseBytes(out.toByteArray())).containsExactly(msg("a\uFFFDb\uFFFD"));
  }

  @Test
  void truncatedUtf8AtEndOfLineDoesNotSwallowNextLine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8("data: x"));
    out.write(0xF0);
    out.write(0x9F);
    out.writeBytes(utf8("\ndata: y\n\n"));
    assertThat(parseBytes(out.toByteArray())).containsExactly(msg("x\uFFFD\ny"));
  }

  // ---------------------------------------------------------------- BOM

  @Test
  void bomSkippedAtStart() {
    assertThat(parse("\uFEFFdata: a\n\n")).containsExactly(msg("a"));
  }

  @Test
  void bomSplitAcrossBuffersSkipped() {
    byte[] all = utf8("\uFEFFdata: a\n\n");
    assertSplitInvariant(all, List.of(msg("a")));
  }

  @Test
  void onlyOneLeadingBomSkipped() {
    // The second BOM becomes part of the field name "\uFEFFdata", which is unknown.
    assertThat(parse("\uFEFF\uFEFFdata: a\n\ndata: b\n\n")).containsExactly(msg("b"));
  }

  @Test
  void bomNotAtStartOfStreamIsKept() {
    assertThat(parse("data: a\n\n\uFEFFdata: b\n\ndata: \uFEFFc\n\n"))
        .containsExactly(msg("a"), msg("\uFEFFc"));
  }

  @Test
  void bomFollowedByCommentAndBlankLine() {
    assertThat(parse("\uFEFF: hi\n\uFEFF\n")).isEmpty();
    assertThat(parse("\uFEFF\ndata: a\n\n")).containsExactly(msg("a"));
  }

  // ---------------------------------------------------------------- comments

  @Test
  void commentsIgnored() {
    assertThat(parse(": test stream\n\ndata: first\n: inline comment\ndata: second\n\n"))
        .containsExactly(msg("first\nsecond"));
  }

  @Test
  void commentOnlyStream() {
    assertThat(parse(": ping\n\n: ping\n\n")).isEmpty();
    assertThat(parse(": ping")).isEmpty();
  }

  @Test
  void commentLineWithColonOnly() {
    assertThat(parse(":\ndata: a\n:\n\n")).containsExactly(msg("a"));
  }

  // ---------------------------------------------------------------- data

  @Test
  void multiLineDataJoinedWithNewline() {
    assertThat(parse("data: first\ndata: second\ndata: third\n\n"))
        .containsExactly(msg("first\nsecond\nthird"));
  }

  @Test
  void dataWithoutColonHasEmptyValue() {
    assertThat(parse("data\n\n")).containsExactly(msg(""));
  }

  @Test
  void dataWithColonAndNoValueHasEmptyValue() {
    assertThat(parse("data:\n\n")).containsExactly(msg(""));
  }

  @Test
  void specExampleOfEmptyDataLines() {
    // From the WHATWG spec: two events ("" and "\n"); the last block never ends.
    assertThat(parse("data\n\ndata\ndata\n\ndata:")).containsExactly(msg(""), msg("\n"));
  }

  @Test
  void onlyOneTrailingNewlineRemoved() {
    assertThat(parse("data: a\ndata\n\n")).containsExactly(msg("a\n"));
  }

  @Test
  void leadingSpaceStrippedOnlyOnce() {
    assertThat(parse("data:  x\n\n")).containsExactly(msg(" x"));
  }

  @Test
  void spaceAfterColonIsOptional() {
    assertThat(parse("data:test\n\ndata: test\n\n")).containsExactly(msg("test"), msg("test"));
  }

  @Test
  void onlySpaceIsStrippedNotTab() {
    assertThat(parse("data:\tx\n\n")).containsExactly(msg("\tx"));
  }

  @Test
  void trailingWhitespacePreserved() {
    assertThat(parse("data: x  \n\n")).containsExactly(msg("x  "));
  }

  @Test
  void valueMayContainColons() {
    assertThat(parse("data: a: b:c\n\n")).containsExactly(msg("a: b:c"));
  }

  @Test
  void doneSentinelDeliveredAsNormalEvent() {
    assertThat(parse("data: {\"a\":1}\n\ndata: [DONE]\n\n"))
        .containsExactly(msg("{\"a\":1}"), msg("[DONE]"));
  }

  // ---------------------------------------------------------------- event

  @Test
  void eventFieldSetsType() {
    assertThat(parse("event: add\ndata: 1\n\nevent: remove\ndata: 2\n\ndata: 3\n\n"))
        .containsExactly(
            new Event("add", "1", null, null),
            new Event("remove", "2", null, null),
            msg("3"));
  }

  @Test
  void emptyEventTypeMeansMessage() {
    assertThat(parse("event:\ndata: a\n\nevent\ndata: b\n\n")).containsExactly(msg("a"), msg("b"));
  }

  @Test
  void lastEventFieldWins() {
    assertThat(parse("event: a\nevent: b\ndata: x\n\n"))
        .containsExactly(new Event("b", "x", null, null));
  }

  @Test
  void blankLinesWithoutDataDispatchNothingAndResetEventType() {
    assertThat(parse("event: foo\n\n\n\ndata: x\n\n")).containsExactly(msg("x"));
  }

  @Test
  void eventTypeResetAfterDispatch() {
    assertThat(parse("event: foo\ndata: 1\n\ndata: 2\n\n"))
        .containsExactly(new Event("foo", "1", null, null), msg("2"));
  }

  // ---------------------------------------------------------------- id

  @Test
  void idPersistsToLaterEvents() {
    assertThat(parse("data: first\nid: 1\n\ndata: second\n\nid: 2\ndata: third\n\n"))
        .containsExactly(
            new Event("message", "first", "1", null),
            new Event("message", "second", "1", null),
            new Event("message", "third", "2", null));
  }

  @Test
  void idFromBlockWithoutDataStillApplies() {
    // Per spec the last event ID string is updated even when nothing is dispatched.
    assertThat(parse("data: a\nid: 1\n\nid: 2\n\ndata: b\n\n"))
        .containsExactly(
            new Event("message", "a", "1", null), new Event("message", "b", "2", null));
  }

  @Test
  void idWithNulIgnored() {
    assertThat(parse("id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n"))
        .containsExactly(
            new Event("message", "a", "1", null), new Event("message", "b", "1", null));
  }

  @Test
  void emptyIdResetsToEmptyString() {
    assertThat(parse("id: 1\ndata: a\n\nid\ndata: b\n\nid: 7\n\nid:\ndata: c\n\n"))
        .containsExactly(
            new Event("message", "a", "1", null),
            new Event("message", "b", "", null),
            new Event("message", "c", "", null));
  }

  @Test
  void idIsNullWhenNeverSet() {
    assertThat(parse("data: a\n\n").get(0).id()).isNull();
  }

  @Test
  void idKeepsUnicodeAndSpacesBeyondTheFirst() {
    assertThat(parse("id:  é 1\ndata: a\n\n"))
        .containsExactly(new Event("message", "a", " é 1", null));
  }

  // ---------------------------------------------------------------- retry

  @Test
  void retryValid() {
    assertThat(parse("retry: 3000\ndata: a\n\ndata: b\n\n"))
        .containsExactly(
            new Event("message", "a", null, 3000L), new Event("message", "b", null, 3000L));
  }

  @Test
  void retryInvalidIgnored() {
    assertThat(parse("retry: 22\n\nretry: 12a\ndata: a\n\n"))
        .containsExactly(new Event("message", "a", null, 22L));
  }

  @Test
  void retryInvalidFormsIgnored() {
    assertThat(parse("retry: -1\nretry: 1.5\nretry:  5\nretry: 5 \nretry\nretry:\ndata: a\n\n"))
        .containsExactly(msg("a"));
  }

  @Test
  void retryZeroAndLeadingZeros() {
    assertThat(parse("retry: 0\ndata: a\n\nretry: 007\ndata: b\n\n"))
        .containsExactly(
            new Event("message", "a", null, 0L), new Event("message", "b", null, 7L));
  }

  @Test
  void retryHugeValueSaturates() {
    assertThat(parse("retry: 99999999999999999999999\ndata: a\n\n"))
        .containsExactly(new Event("message", "a", null, Long.MAX_VALUE));
  }

  @Test
  void retryNonAsciiDigitsIgnored() {
    assertThat(parse("retry: ١٢\ndata: a\n\n")).containsExactly(msg("a"));
  }

  // ---------------------------------------------------------------- fields

  @Test
  void unknownFieldsIgnored() {
    assertThat(parse("data: a\nfoo: bar\neventually\ndatabase: x\nidentity\nretrying: 5\n\n"))
        .containsExactly(msg("a"));
  }

  @Test
  void fieldNamesAreCaseSensitive() {
    assertThat(parse("Data: a\nEVENT: b\nId: 1\nRetry: 5\ndata: x\n\n")).containsExactly(msg("x"));
  }

  @Test
  void spaceBeforeColonMakesUnknownField() {
    assertThat(parse("data : a\ndata: b\n\n")).containsExactly(msg("b"));
  }

  @Test
  void fieldWithoutColon() {
    assertThat(parse("id: a\nevent: b\ndata: c\nid\nevent\ndata\n\n"))
        .containsExactly(new Event("message", "c\n", "", null));
  }

  @Test
  void unknownFieldOnlyBlockDispatchesNothing() {
    assertThat(parse("foo: bar\n\n")).isEmpty();
  }

  // ---------------------------------------------------------------- end of stream

  @Test
  void incompleteEventAtEndDiscarded() {
    assertThat(parse("data: a\n\ndata: b\n")).containsExactly(msg("a"));
  }

  @Test
  void unterminatedLineAtEndDiscarded() {
    assertThat(parse("data: a\n\ndata: b")).containsExactly(msg("a"));
  }

  @Test
  void endWithoutAnyInput() {
    assertThat(parse()).isEmpty();
  }

  @Test
  void feedAfterEndIgnored() {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(buf("data: a\n"));
    parser.end();
    parser.feed(buf("\ndata: b\n\n"));
    parser.end();
    assertThat(events).isEmpty();
  }

  @Test
  void sinkMayEndTheStreamOnDone() {
    List<Event> events = new ArrayList<>();
    SseParser[] holder = new SseParser[1];
    holder[0] = new SseParser(e -> {
      events.add(e);
      if ("[DONE]".equals(e.data())) {
        holder[0].end();
      }
    });
    holder[0].feed(buf("data: a\n\ndata: [DONE]\n\ndata: late\n\n"));
    assertThat(events).containsExactly(msg("a"), msg("[DONE]"));
  }

  @Test
  void emptyBufferIsNoop() {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(Buffer.buffer());
    parser.feed(buf("data: a\r"));
    parser.feed(Buffer.buffer());
    parser.feed(buf("\n"));
    parser.feed(Buffer.buffer());
    parser.feed(buf("\n"));
    assertThat(events).containsExactly(msg("a"));
  }

  @Test
  void eventsDispatchedSynchronouslyPerBlankLine() {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(buf("data: a\n"));
    assertThat(events).isEmpty();
    parser.feed(buf("\ndata: b\n"));
    assertThat(events).containsExactly(msg("a"));
    parser.feed(buf("\n"));
    assertThat(events).containsExactly(msg("a"), msg("b"));
  }

  // ---------------------------------------------------------------- limits

  @Test
  void oversizedLineThrows() {
    SseParser parser = new SseParser(16, e -> { });
    assertThatThrownBy(() -> parser.feed(buf("data: 0123456789abcdef\n\n")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("16");
  }

  @Test
  void oversizedLineAcrossBuffersThrowsBeforeTerminator() {
    SseParser parser = new SseParser(16, e -> { });
    parser.feed(buf("data: 0123456789"));
    assertThatThrownBy(() -> parser.feed(buf("a")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("16");
  }

  @Test
  void oversizedCommentLineThrows() {
    SseParser parser = new SseParser(8, e -> { });
    assertThatThrownBy(() -> parser.feed(buf(": 1234567\n")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("8");
  }

  @Test
  void lineExactlyAtLimitAccepted() {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(16, events::add);
    parser.feed(buf("data: 0123456789\n\n")); // line is exactly 16 bytes
    parser.feed(buf("data: 012345678"));
    parser.feed(buf("9\n\n"));
    assertThat(events).containsExactly(msg("0123456789"), msg("0123456789"));
  }

  @Test
  void oversizedEventThrows() {
    SseParser parser = new SseParser(16, e -> { });
    parser.feed(buf("data: 01234567\n"));
    assertThatThrownBy(() -> parser.feed(buf("data: 89abcdef\n")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("16");
  }

  @Test
  void eventDataExactlyAtLimitAccepted() {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(16, events::add);
    // 7 + "\n" + 8 = 16 bytes of data
    parser.feed(buf("data: 0123456\ndata: 789abcde\n\n"));
    assertThat(events).containsExactly(msg("0123456\n789abcde"));
  }

  @Test
  void limitAppliesPerEventNotPerStream() {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser(16, events::add);
    for (int i = 0; i < 100; i++) {
      parser.feed(buf("data: 0123456789\n\n"));
    }
    assertThat(events).hasSize(100);
  }

  @Test
  void defaultLimitAllowsLargeEvents() {
    String payload = "z".repeat(1_000_000);
    assertThat(parse("data: " + payload + "\n\n")).containsExactly(msg(payload));
    assertThat(SseParser.DEFAULT_MAX_EVENT_BYTES).isEqualTo(16 * 1024 * 1024);
  }

  @Test
  void nonPositiveLimitRejected() {
    assertThatThrownBy(() -> new SseParser(0, e -> { }))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aParserFedFromAnotherParsersSinkKeepsBothStreamsIntact() {
    List<Event> inner = new ArrayList<>();
    SseParser relay = new SseParser(inner::add);
    List<Event> outer = new ArrayList<>();
    String big = "x".repeat(20_000);
    SseParser parser = new SseParser(event -> {
      outer.add(event);
      relay.feed(buf("data: relayed " + event.data().length() + "\n\n"));
    });

    parser.feed(buf("data: one\n\ndata: " + big + "\n\ndata: three\n\n"));

    assertThat(outer).containsExactly(msg("one"), msg(big), msg("three"));
    assertThat(inner).containsExactly(msg("relayed 3"), msg("relayed 20000"), msg("relayed 5"));
  }

}
