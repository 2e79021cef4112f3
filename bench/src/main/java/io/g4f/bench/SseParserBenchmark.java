package io.g4f.bench;

import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link SseParser} over a realistic OpenAI stream ({@link OpenAiStreams#textStream} of
 * {@link OpenAiStreams#TOKENS} tokens, {@link OpenAiStreams#EVENTS} events), delivered in network
 * reads of {@code packetBytes} bytes each, so events are split across reads as on a socket.
 * The score is the cost of one event, parser creation included (one parser per response).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseParserBenchmark {

  /** Bytes per network read: tiny reads, one Ethernet MSS, and one large read holding the whole stream. */
  @Param({"64", "1448", "65536"})
  public int packetBytes;

  private List<Buffer> packets;

  @Setup
  public void split() {
    Buffer stream = OpenAiStreams.textStream(OpenAiStreams.TOKENS);
    packets = new ArrayList<>();
    for (int start = 0; start < stream.length(); start += packetBytes) {
      packets.add(stream.getBuffer(start, Math.min(stream.length(), start + packetBytes)));
    }
  }

  @Benchmark
  @OperationsPerInvocation(OpenAiStreams.EVENTS)
  public void parse(Blackhole blackhole) {
    SseParser parser = new SseParser(blackhole::consume);
    for (Buffer packet : packets) {
      parser.feed(packet);
    }
    parser.end();
  }
}
