package io.g4f.client.chat;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.g4f.client.Extensible;
import io.g4f.client.Usage;
import org.jspecify.annotations.Nullable;

/**
 * What a whole completion and each of its streamed chunks share: the completion {@code id},
 * {@code created}, {@code model}, the {@code provider} that answered, {@code usage} and
 * {@code system_fingerprint}.
 *
 * @param <T> the concrete type, returned by the fluent setters
 */
@JsonPropertyOrder({"id", "object", "created", "model", "provider", "choices", "usage", "system_fingerprint"})
public abstract class CompletionHeader<T extends CompletionHeader<T>> extends Extensible<T> {

  private @Nullable String id;
  private long created;
  private @Nullable String model;
  private @Nullable String provider;
  private @Nullable Usage usage;
  private @Nullable String systemFingerprint;

  CompletionHeader() {
  }

  /** The completion id (shared by all chunks of one answer). */
  public @Nullable String getId() {
    return id;
  }

  /** Sets the id. */
  public T setId(@Nullable String id) {
    this.id = id;
    return self();
  }

  /** Creation time, Unix seconds. */
  public long getCreated() {
    return created;
  }

  /** Sets the creation time. */
  public T setCreated(long created) {
    this.created = created;
    return self();
  }

  /** The model that answered, as the provider names it. */
  public @Nullable String getModel() {
    return model;
  }

  /** Sets the model. */
  public T setModel(@Nullable String model) {
    this.model = model;
    return self();
  }

  /** The provider that answered. */
  public @Nullable String getProvider() {
    return provider;
  }

  /** Sets the provider. */
  public T setProvider(@Nullable String provider) {
    this.provider = provider;
    return self();
  }

  /** Token usage, when the provider reported it (on a stream: its last chunk, if asked for). */
  public @Nullable Usage getUsage() {
    return usage;
  }

  /** Sets the usage. */
  public T setUsage(@Nullable Usage usage) {
    this.usage = usage;
    return self();
  }

  /** The backend configuration fingerprint, when reported. */
  public @Nullable String getSystemFingerprint() {
    return systemFingerprint;
  }

  /** Sets the system fingerprint. */
  public T setSystemFingerprint(@Nullable String systemFingerprint) {
    this.systemFingerprint = systemFingerprint;
    return self();
  }

  /** Copies id, created, model, provider, usage and system fingerprint from {@code other}. */
  public T setHeader(CompletionHeader<?> other) {
    id = other.id;
    created = other.created;
    model = other.model;
    provider = other.provider;
    usage = other.usage;
    systemFingerprint = other.systemFingerprint;
    return self();
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }
}
