package io.g4f.client.embeddings;

import io.g4f.client.Extensible;
import io.g4f.client.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The embeddings of one request ({@code object: "list"}), one per input in input order, with the {@code model}, the
 * {@code usage} (prompt and total tokens) and the {@code provider} that made them.
 */
public final class EmbeddingsResponse extends Extensible<EmbeddingsResponse> {

  private String object = "list";
  private List<Embedding> data = new ArrayList<>();
  private @Nullable String model;
  private @Nullable Usage usage;
  private @Nullable String provider;

  /** Always {@code "list"}. */
  public String getObject() {
    return object;
  }

  /** Sets the object type. */
  public EmbeddingsResponse setObject(String object) {
    this.object = object;
    return this;
  }

  /** The embeddings, in input order; a live, mutable list. */
  public List<Embedding> getData() {
    return data;
  }

  /** Sets the embeddings. */
  public EmbeddingsResponse setData(List<Embedding> data) {
    this.data = data;
    return this;
  }

  /** The model that made them, as the provider names it. */
  public @Nullable String getModel() {
    return model;
  }

  /** Sets the model. */
  public EmbeddingsResponse setModel(@Nullable String model) {
    this.model = model;
    return this;
  }

  /** Prompt and total tokens, when the provider counts them. */
  public @Nullable Usage getUsage() {
    return usage;
  }

  /** Sets the usage. */
  public EmbeddingsResponse setUsage(@Nullable Usage usage) {
    this.usage = usage;
    return this;
  }

  /** The provider that made them. */
  public @Nullable String getProvider() {
    return provider;
  }

  /** Sets the provider. */
  public EmbeddingsResponse setProvider(@Nullable String provider) {
    this.provider = provider;
    return this;
  }

  /**
   * One embedding ({@code object: "embedding"}): its input's {@code index} and the vector, as a list of numbers, or
   * as a base64 string of little-endian float32 values when {@code encoding_format} was {@code base64}.
   */
  public static final class Embedding extends Extensible<Embedding> {

    private String object = "embedding";
    private int index;
    private @Nullable Object embedding;

    /** An empty embedding. */
    public Embedding() {
    }

    /** The embedding of input {@code index}: {@code vector} as a list of floats. */
    public Embedding(int index, float[] vector) {
      this.index = index;
      List<Float> values = new ArrayList<>(vector.length);
      for (float value : vector) {
        values.add(value);
      }
      this.embedding = values;
    }

    /** Always {@code "embedding"}. */
    public String getObject() {
      return object;
    }

    /** Sets the object type. */
    public Embedding setObject(String object) {
      this.object = object;
      return this;
    }

    /** The index of the input this embeds. */
    public int getIndex() {
      return index;
    }

    /** Sets the index. */
    public Embedding setIndex(int index) {
      this.index = index;
      return this;
    }

    /** The vector as sent: a {@code List} of numbers, or a base64 {@code String}; null when absent. */
    public @Nullable Object getEmbedding() {
      return embedding;
    }

    /** Sets the vector as a list of numbers. */
    public Embedding setEmbedding(List<? extends Number> values) {
      this.embedding = values;
      return this;
    }

    /** Sets the vector as base64 of little-endian float32 values. */
    public Embedding setEmbedding(String base64) {
      this.embedding = base64;
      return this;
    }

    /** Whether the vector is held as base64. */
    public boolean isBase64() {
      return embedding instanceof String;
    }

    /**
     * The vector, decoded from either form.
     *
     * @throws IllegalStateException when it is absent, or neither numbers nor base64 of float32 values
     */
    public float[] vector() {
      if (embedding instanceof String base64) {
        ByteBuffer bytes;
        try {
          bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("The embedding is not valid base64", e);
        }
        if (bytes.remaining() % Float.BYTES != 0) {
          throw new IllegalStateException("The base64 embedding is not a whole number of float32 values");
        }
        float[] vector = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(vector);
        return vector;
      }
      if (embedding instanceof List<?> values && values.stream().allMatch(Number.class::isInstance)) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
          vector[i] = ((Number) values.get(i)).floatValue();
        }
        return vector;
      }
      throw new IllegalStateException("The embedding is neither a list of numbers nor base64");
    }

    /** Holds the vector as base64 of little-endian float32 values, as OpenAI sends it for {@code base64}. */
    public Embedding toBase64() {
      if (!isBase64()) {
        float[] vector = vector();
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        embedding = Base64.getEncoder().encodeToString(bytes.array());
      }
      return this;
    }

    /** Holds the vector as a list of floats. */
    public Embedding toFloats() {
      if (isBase64()) {
        embedding = new Embedding(index, vector()).embedding;
      }
      return this;
    }
  }
}
