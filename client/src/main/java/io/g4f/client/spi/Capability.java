package io.g4f.client.spi;

/** What a {@link Provider} can do, so callers and routing can pick one that fits. */
public enum Capability {
  /** Chat completions. */
  CHAT,
  /** Streamed chat completions, chunk by chunk. */
  STREAMING,
  /** Images as chat input. */
  VISION,
  /** Image generation. */
  IMAGES,
  /** Tool (function) calling. */
  TOOLS,
  /** Embeddings ({@link Provider#embed}). */
  EMBEDDINGS,
  /** Anthropic's Messages API spoken natively: requests and answers relayed as they are ({@link Provider#messages}). */
  MESSAGES,
  /** An API key is required. */
  AUTH
}
