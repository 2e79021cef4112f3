package io.g4f.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One named provider of {@link ClientOptions#getProviders()}, in the shape of the gateway's config file's
 * {@code providers} entries: {@code {"name","type","baseUrl","apiKey","models"}}, so one file configures both.
 * {@code type} is {@code openai} (any OpenAI-compatible server at {@code baseUrl}) or the name of a provider of
 * the client's registry ({@code Groq}, {@code Ollama}, a custom provider). The entry is selected by its
 * {@code name}, which also names it in errors and keeps its own circuit breaker, so two entries of one type at
 * different addresses are two providers.
 *
 * <p>Its key is {@code apiKey}, else {@link ClientOptions#getApiKeys()}'s entry for its name; an entry without a
 * {@code baseUrl}, or whose {@code baseUrl} is its type's own address, then falls back to its type's environment
 * variable ({@code GROQ_API_KEY}, ...), while one that points elsewhere never sends that variable's key there.
 * When {@code models} is not empty it lists the models the entry serves, the first being its default: a request
 * for a model goes to the entries that list it.
 * {@link #toJson()} includes the API key; do not log it.
 */
public class ProviderEntry {

  /** The type of a generic OpenAI-compatible server: {@value}. */
  public static final String OPENAI = "openai";

  private String name;
  private String type;
  private @Nullable String baseUrl;
  private @Nullable String apiKey;
  private List<String> models = new ArrayList<>();
  private @Nullable Long firstByteTimeout;

  /** An entry named {@code name} of type {@code type}. */
  public ProviderEntry(String name, String type) {
    setName(name);
    setType(type);
  }

  /** A copy of {@code other}. */
  public ProviderEntry(ProviderEntry other) {
    name = other.name;
    type = other.type;
    baseUrl = other.baseUrl;
    apiKey = other.apiKey;
    models = new ArrayList<>(other.models);
    firstByteTimeout = other.firstByteTimeout;
  }

  /**
   * An entry from its JSON form; {@code name} and {@code type} are required.
   *
   * @throws IllegalArgumentException naming the field that is missing, unknown or of the wrong type
   */
  public ProviderEntry(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!List.of("name", "type", "baseUrl", "apiKey", "models", "firstByteTimeout").contains(key)) {
        throw new IllegalArgumentException("Unknown provider entry key '" + key
            + "' (known: name, type, baseUrl, apiKey, models, firstByteTimeout)");
      }
    }
    name = required(json, "name");
    type = required(json, "type");
    baseUrl = string(json, "baseUrl");
    apiKey = string(json, "apiKey");
    Object list = json.getValue("models");
    if (list != null) {
      if (!(list instanceof JsonArray array) || array.stream().anyMatch(model -> !(model instanceof String))) {
        throw new IllegalArgumentException("models must be an array of strings");
      }
      array.forEach(model -> models.add((String) model));
    }
    Object firstByte = json.getValue("firstByteTimeout");
    if (firstByte != null) {
      if (!(firstByte instanceof Number number)) {
        throw new IllegalArgumentException("firstByteTimeout must be a number of ms");
      }
      setFirstByteTimeout(number.longValue());
    }
  }

  /** This entry as JSON, its API key included. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("type", type);
    if (baseUrl != null) {
      json.put("baseUrl", baseUrl);
    }
    if (apiKey != null) {
      json.put("apiKey", apiKey);
    }
    if (!models.isEmpty()) {
      json.put("models", new JsonArray(new ArrayList<>(models)));
    }
    if (firstByteTimeout != null) {
      json.put("firstByteTimeout", firstByteTimeout);
    }
    return json;
  }

  private static String required(JsonObject json, String field) {
    String value = string(json, field);
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  private static @Nullable String string(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return (String) value;
  }

  /** The name the entry is selected by (case-insensitively). */
  public String getName() {
    return name;
  }

  /** Sets the name. */
  public ProviderEntry setName(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  /** {@link #OPENAI} or a registry provider's name. */
  public String getType() {
    return type;
  }

  /** Sets the type. */
  public ProviderEntry setType(String type) {
    this.type = Objects.requireNonNull(type, "type");
    return this;
  }

  /** The server's base URL ({@code http://127.0.0.1:8000/v1}), or null for the type's own. */
  public @Nullable String getBaseUrl() {
    return baseUrl;
  }

  /** Sets the base URL. */
  public ProviderEntry setBaseUrl(@Nullable String baseUrl) {
    this.baseUrl = baseUrl;
    return this;
  }

  /** This entry's API key, or null. */
  public @Nullable String getApiKey() {
    return apiKey;
  }

  /** Sets this entry's API key. */
  public ProviderEntry setApiKey(@Nullable String apiKey) {
    this.apiKey = apiKey;
    return this;
  }

  /** The models this entry serves, its default first; empty for its type's. A live, mutable list. */
  public List<String> getModels() {
    return models;
  }

  /** Sets the models this entry serves, its default first. */
  public ProviderEntry setModels(List<String> models) {
    this.models = new ArrayList<>(models);
    return this;
  }

  /**
   * This provider's first-byte timeout in ms ({@link ClientOptions#getFirstByteTimeout()}, for this provider only),
   * or null for the client's.
   */
  public @Nullable Long getFirstByteTimeout() {
    return firstByteTimeout;
  }

  /** Sets this provider's first-byte timeout in ms (0: none), or null for the client's. */
  public ProviderEntry setFirstByteTimeout(@Nullable Long firstByteTimeout) {
    if (firstByteTimeout != null && firstByteTimeout < 0) {
      throw new IllegalArgumentException("firstByteTimeout must be >= 0");
    }
    this.firstByteTimeout = firstByteTimeout;
    return this;
  }
}
