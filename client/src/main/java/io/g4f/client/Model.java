package io.g4f.client;

import org.jspecify.annotations.Nullable;

/**
 * A model a provider serves: one entry of OpenAI's {@code GET /v1/models} list ({@code id},
 * {@code object} "model", {@code created}, {@code owned_by}, here the provider's name).
 */
public final class Model extends Extensible<Model> {

  private @Nullable String id;
  private String object = "model";
  private long created;
  private @Nullable String ownedBy;

  /** The model's name, as requests name it. */
  public @Nullable String getId() {
    return id;
  }

  /** Sets the model's name. */
  public Model setId(@Nullable String id) {
    this.id = id;
    return this;
  }

  /** Always {@code "model"}. */
  public String getObject() {
    return object;
  }

  /** Sets the object type. */
  public Model setObject(String object) {
    this.object = object;
    return this;
  }

  /** When the model was created, in Unix seconds; 0 when unknown. */
  public long getCreated() {
    return created;
  }

  /** Sets the creation time in Unix seconds. */
  public Model setCreated(long created) {
    this.created = created;
    return this;
  }

  /** Who serves the model: the provider's name. */
  public @Nullable String getOwnedBy() {
    return ownedBy;
  }

  /** Sets who serves the model. */
  public Model setOwnedBy(@Nullable String ownedBy) {
    this.ownedBy = ownedBy;
    return this;
  }
}
