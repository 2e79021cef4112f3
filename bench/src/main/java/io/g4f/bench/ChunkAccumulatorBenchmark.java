package io.g4f.bench;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.impl.ChunkAccumulator;
import io.g4f.client.spi.toolkit.Json;
import java.util.Arrays;
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

/**
 * {@link ChunkAccumulator} folding decoded chunks into one completion, as {@code create()} and the
 * gateway's JSON answers do: a {@link OpenAiStreams#TOKENS}-token text answer (score per chunk), and a
 * tool call whose arguments arrive in {@code fragments} pieces (score per whole fold, so its growth
 * with {@code fragments} shows whether joining the arguments is linear).
 */
@BenchmarkMode(Mode.AverageTime)
public class ChunkAccumulatorBenchmark {

  /** The decoded chunks of a text answer. */
  @State(Scope.Benchmark)
  public static class TextAnswer {
    ChatCompletionChunk[] chunks;

    @Setup
    public void decode() {
      chunks = decodeAll(OpenAiStreams.textChunks(OpenAiStreams.TOKENS));
    }
  }

  /** The decoded chunks of one streamed tool call. */
  @State(Scope.Benchmark)
  public static class ToolCallAnswer {
    /** Argument fragments of the streamed tool call. */
    @Param({"100", "1000", "10000"})
    public int fragments;
    ChatCompletionChunk[] chunks;

    @Setup
    public void decode() {
      chunks = decodeAll(OpenAiStreams.toolCallChunks(fragments));
    }
  }

  @Benchmark
  @OperationsPerInvocation(OpenAiStreams.CHUNKS)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public ChatCompletion foldText(TextAnswer answer) {
    return fold(answer.chunks);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public ChatCompletion foldToolCall(ToolCallAnswer answer) {
    return fold(answer.chunks);
  }

  private static ChatCompletion fold(ChatCompletionChunk[] chunks) {
    ChunkAccumulator accumulator = new ChunkAccumulator();
    for (ChatCompletionChunk chunk : chunks) {
      accumulator.add(chunk);
    }
    return accumulator.result();
  }

  static ChatCompletionChunk[] decodeAll(String[] json) {
    return Arrays.stream(json).map(chunk -> Json.decode(chunk, ChatCompletionChunk.class))
        .toArray(ChatCompletionChunk[]::new);
  }
}
