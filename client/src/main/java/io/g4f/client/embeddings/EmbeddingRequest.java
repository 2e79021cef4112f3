package io.g4f.client.embeddings;

import io.g4f.client.CallOptions;
import io.g4f.client.Extensible;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An embeddings request: OpenAI's {@code /v1/embeddings} body. {@code input} is one text or a list of texts (token
 * arrays read from JSON are kept and sent as they are to providers that take them). Settings of the call itself
 * (provider, key, timeout, ...) go beside it, in {@link CallOptions}.
 */
public final class EmbeddingRequest extends Extensible<EmbeddingRequest> {

  /** {@code encoding_format} asking for each embedding as a list of floats (the default). */
  public static final String FLOAT = "float";
  /** {@code encoding_format} asking for each embedding as base64 of its little-endian float32 values. */
  public static final String BASE64 = "base64";

  private @Nullable String model;
  private @Nullable Object input;
  private @Nullable Integer dimensions;
  private @Nullable String encodingFormat;
  private @Nullable String user;

  /** The model; required. */
  public @Nullable String getModel() {
    return model;
  }

  /** Sets the model. */
  public EmbeddingRequest setModel(@Nullable String model) {
    this.model = model;
    return this;
  }

  /** The input as it will be sent: a {@code String}, a {@code List} of them, or token arrays read from JSON. */
  public @Nullable Object getInput() {
    return input;
  }

  /** Sets one text to embed. */
  public EmbeddingRequest setInput(String text) {
    this.input = text;
    return this;
  }

  /** Sets the texts to embed, one embedding each, in order. */
  public EmbeddingRequest setInput(List<String> texts) {
    this.input = List.copyOf(texts);
    return this;
  }

  /** The texts to embed, in order; null when the input is not text (token arrays) or absent. */
  public @Nullable List<String> getInputTexts() {
    if (input instanceof String text) {
      return List.of(text);
    }
    if (input instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    return null;
  }

  /** The number of dimensions each embedding should have, or null for the model's own. */
  public @Nullable Integer getDimensions() {
    return dimensions;
  }

  /** Sets the number of dimensions. */
  public EmbeddingRequest setDimensions(@Nullable Integer dimensions) {
    this.dimensions = dimensions;
    return this;
  }

  /** {@link #FLOAT} (also when null) or {@link #BASE64}. */
  public @Nullable String getEncodingFormat() {
    return encodingFormat;
  }

  /** Sets the encoding format. */
  public EmbeddingRequest setEncodingFormat(@Nullable String encodingFormat) {
    this.encodingFormat = encodingFormat;
    return this;
  }

  /** An identifier of the end user, passed to providers that take one. */
  public @Nullable String getUser() {
    return user;
  }

  /** Sets the end-user identifier. */
  public EmbeddingRequest setUser(@Nullable String user) {
    this.user = user;
    return this;
  }

  /** A deep copy. */
  public EmbeddingRequest copy() {
    return deepCopy();
  }
}
