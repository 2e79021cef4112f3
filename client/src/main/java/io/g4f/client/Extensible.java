package io.g4f.client;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  /** Created with the first extra property, or when {@link #getExtra()} is first called: most values have none. */
  @JsonIgnore
  private @Nullable Map<String, @Nullable Object> extra;

  /** Properties not modelled by this type, in arrival order; a live, mutable view. */
  public Map<String, @Nullable Object> getExtra() {
    if (extra == null) {
      extra = new LinkedHashMap<>();
    }
    return extra;
  }

  /** Sets an extra property, sent or written as-is (a String, Number, Boolean, Map, List or null). */
  @JsonAnySetter
  @SuppressWarnings("unchecked")
  public T putExtra(String name, @Nullable Object value) {
    getExtra().put(name, value);
    return (T) this;
  }

  /** The extra properties as written to JSON, without creating a map for a value that has none. */
  @JsonAnyGetter
  private Map<String, @Nullable Object> extraJson() {
    return extra == null ? Map.of() : extra;
  }

  /**
   * A deep copy of this value through JSON, for the {@code copy()} of a subclass: what is not written to JSON (a
   * {@code @JsonIgnore} field) is not copied.
   */
  @SuppressWarnings("unchecked")
  protected final T deepCopy() {
    return (T) Copies.MAPPER.convertValue(this, getClass());
  }

  /** The mapper of {@link #deepCopy}, made at the first copy. */
  private static final class Copies {

    static final ObjectMapper MAPPER = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }
}
