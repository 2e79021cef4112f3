package io.g4f.client;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Base of every OpenAI-shaped data object: fields map to snake_case JSON properties, nulls are left
 * out, and properties this library does not model are kept in {@link #getExtra()} so that a value
 * read from JSON writes back the same JSON. Use any Jackson {@code ObjectMapper} (Vert.x's
 * {@code Json} codec included) to read or write these types.
 *
 * @param <T> the concrete type, returned by the fluent setters
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public abstract class Extensible<T extends Extensible<T>> {

  @JsonIgnore
  private final Map<String, @Nullable Object> extra = new LinkedHashMap<>();

  /** Properties not modelled by this type, in arrival order; a live, mutable view. */
  @JsonAnyGetter
  public Map<String, @Nullable Object> getExtra() {
    return extra;
  }

  /** Sets an extra property, sent or written as-is (a String, Number, Boolean, Map, List or null). */
  @JsonAnySetter
  @SuppressWarnings("unchecked")
  public T putExtra(String name, @Nullable Object value) {
    extra.put(name, value);
    return (T) this;
  }
}
