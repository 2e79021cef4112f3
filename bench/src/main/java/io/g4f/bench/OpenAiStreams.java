package io.g4f.bench;

import io.vertx.core.buffer.Buffer;

/**
 * Realistic OpenAI chat-completion wire data for the benchmarks, shaped like the recorded
 * {@code openai-chat-stream.txt} transcript: one {@code data:} event per token (about 230 bytes each),
 * a role chunk first, a finish chunk, a usage chunk and {@code data: [DONE]} last.
 */
public final class OpenAiStreams {

  /** Tokens in the standard text stream of the micro-benchmarks. */
  public static final int TOKENS = 200;
  /** Events in {@link #textStream(int)} of {@link #TOKENS}: role, tokens, finish, usage, {@code [DONE]}. */
  public static final int EVENTS = TOKENS + 4;
  /** Chunks those events decode to (every event but {@code [DONE]}). */
  public static final int CHUNKS = EVENTS - 1;

  private static final String[] WORDS = ("The gateway forwards every chunk as soon as it arrives, so a reader sees"
      + " each token of the answer without waiting for the rest of the stream to be generated upstream").split(" ");
  private static final String HEADER = "{\"id\":\"chatcmpl-9xQ2b7LrKJ0tTq3vW5yZ8aBcDeFgH\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[";

  private OpenAiStreams() {
  }

  /** The {@code i}-th token of the generated answer, with its leading space as tokenizers produce it. */
  public static String token(int i) {
    return (i == 0 ? "" : " ") + WORDS[i % WORDS.length];
  }

  /** The JSON of one content chunk carrying {@code content} (plain text: no characters that need escaping). */
  public static String contentChunk(String content) {
    return HEADER + "{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"logprobs\":null,\"finish_reason\":null}]}";
  }

  /** The JSON of the first chunk, which carries the role. */
  public static String roleChunk() {
    return HEADER + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}";
  }

  /** The JSON of the chunk that ends the choice. */
  public static String finishChunk() {
    return HEADER + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}";
  }

  /** The JSON of the last chunk: no choices, the usage of an answer of {@code tokens} tokens. */
  public static String usageChunk(int tokens) {
    return HEADER + "],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + tokens + ",\"total_tokens\":"
        + (12 + tokens) + "}}";
  }

  /** {@code json} as one SSE event. */
  public static String event(String json) {
    return "data: " + json + "\n\n";
  }

  /** The end-of-stream event. */
  public static String done() {
    return "data: [DONE]\n\n";
  }

  /** A whole streamed answer of {@code tokens} tokens, as an OpenAI server sends it. */
  public static Buffer textStream(int tokens) {
    Buffer body = Buffer.buffer().appendString(event(roleChunk()));
    for (int i = 0; i < tokens; i++) {
      body.appendString(event(contentChunk(token(i))));
    }
    return body.appendString(event(finishChunk())).appendString(event(usageChunk(tokens))).appendString(done());
  }

  /** The events of {@link #textStream(int)} without the {@code [DONE]}, as JSON texts. */
  public static String[] textChunks(int tokens) {
    String[] chunks = new String[tokens + 3];
    chunks[0] = roleChunk();
    for (int i = 0; i < tokens; i++) {
      chunks[i + 1] = contentChunk(token(i));
    }
    chunks[tokens + 1] = finishChunk();
    chunks[tokens + 2] = usageChunk(tokens);
    return chunks;
  }

  /**
   * The JSON chunks of one streamed tool call whose arguments arrive in {@code fragments} pieces
   * (about 12 characters each, as OpenAI streams them), the last one with {@code finish_reason: tool_calls}.
   */
  public static String[] toolCallChunks(int fragments) {
    String[] chunks = new String[fragments + 2];
    chunks[0] = HEADER + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
        + "\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":\"write_file\",\"arguments\":\"\"}}]},"
        + "\"logprobs\":null,\"finish_reason\":null}]}";
    for (int i = 0; i < fragments; i++) {
      chunks[i + 1] = HEADER + "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\""
          + argumentsFragment(i, fragments) + "\"}}]},\"logprobs\":null,\"finish_reason\":null}]}";
    }
    chunks[fragments + 1] = HEADER + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}";
    return chunks;
  }

  /** Piece {@code i} of {@code count} of the JSON arguments {@code {"text": "lorem ipsum ... end"}}, escaped for a JSON string. */
  private static String argumentsFragment(int i, int count) {
    if (i == 0) {
      return "{\\\"text\\\": \\\"";
    }
    return i == count - 1 ? "end\\\"}" : "lorem ipsum ";
  }

  /** A whole (non-streamed) completion of {@code tokens} tokens, as an OpenAI server answers {@code stream: false}. */
  public static String completion(int tokens) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens; i++) {
      text.append(token(i));
    }
    return "{\"id\":\"chatcmpl-9xQ2b7LrKJ0tTq3vW5yZ8aBcDeFgH\",\"object\":\"chat.completion\",\"created\":1694268190,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + tokens + ",\"total_tokens\":" + (12 + tokens) + "}}";
  }
}
