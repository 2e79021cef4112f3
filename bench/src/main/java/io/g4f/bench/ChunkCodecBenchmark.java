package io.g4f.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.server.api.chat.ChatApi;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One content chunk through {@link Json}: decoded straight to {@link ChatCompletionChunk}, decoded
 * through a {@code JsonNode} tree first (what the OpenAI provider does, to spot error events), encoded
 * back, and framed as the gateway's SSE event ({@link ChatApi#sse}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChunkCodecBenchmark {

  private static final ChatApi CHAT = new ChatApi();

  private String json;
  private ChatCompletionChunk chunk;

  @Setup
  public void decodeOnce() {
    json = OpenAiStreams.contentChunk(OpenAiStreams.token(7));
    chunk = Json.decode(json, ChatCompletionChunk.class).setProvider("OpenAI");
  }

  @Benchmark
  public ChatCompletionChunk decode() {
    return Json.decode(json, ChatCompletionChunk.class);
  }

  @Benchmark
  public ChatCompletionChunk decodeViaTree() throws JsonProcessingException {
    return Json.MAPPER.treeToValue(Json.MAPPER.readTree(json), ChatCompletionChunk.class);
  }

  @Benchmark
  public Buffer encode() {
    return Json.encode(chunk);
  }

  @Benchmark
  public Buffer gatewayEvent() {
    return CHAT.sse(null, chunk);
  }
}
