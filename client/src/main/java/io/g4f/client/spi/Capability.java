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
  /** An API key is required. */
  AUTH
}
