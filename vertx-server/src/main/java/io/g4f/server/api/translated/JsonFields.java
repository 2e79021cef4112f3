package io.g4f.server.api.translated;

import io.g4f.client.errors.InvalidRequestException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Reads the fields of a translated API's request body ({@link ChatDialect}), each read naming its field so that a
 * missing or mistyped one is an {@link InvalidRequestException} (400) whose {@code param} is the field's path in the
 * API's own notation: {@link #OPENAI} ({@code input[0].content[1].image_url}) or {@link #ANTHROPIC}
 * ({@code messages.0.content.1.source}, its messages prefixed by the path as Anthropic's are). JSON null reads as absent.
 */
final class JsonFields {

  /** OpenAI's notation: {@code a.b[0].c}, messages {@code Invalid value for 'a.b[0].c': ...}. */
  static final JsonFields OPENAI = new JsonFields(false);
  /** Anthropic's notation: {@code a.b.0.c}, messages {@code a.b.0.c: ...}. */
  static final JsonFields ANTHROPIC = new JsonFields(true);

  private final boolean anthropic;

  private JsonFields(boolean anthropic) {
    this.anthropic = anthropic;
  }

  /** The path of member {@code key} of the value at {@code path} ("" for the body). */
  String at(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The path of element {@code index} of the array at {@code path}. */
  String at(String path, int index) {
    return anthropic ? path + "." + index : path + "[" + index + "]";
  }

  /** A 400 saying that the value at {@code path} {@code problem} ("must be a string"). */
  InvalidRequestException invalid(String path, String problem) {
    return InvalidRequestException.forParam(anthropic ? path + ": " + problem
        : "Invalid value for '" + path + "': " + problem, null, path);
  }

  /** Fails on the first member of {@code object} (at {@code path}) that is not in {@code known}. */
  void onlyKnown(JsonObject object, String path, Set<String> known) {
    for (String key : object.fieldNames()) {
      if (!known.contains(key)) {
        String at = at(path, key);
        throw InvalidRequestException.forParam(anthropic ? at + ": Extra inputs are not permitted"
            : "Unknown parameter: '" + at + "'.", null, at);
      }
    }
  }

  /** Member {@code key} of {@code object} (at {@code path}), null when absent; {@code required} fails when absent. */
  Object value(JsonObject object, String path, String key, boolean required) {
    Object value = object.getValue(key);
    if (value == null && required) {
      throw invalid(at(path, key), anthropic ? "Field required" : "is required");
    }
    return value;
  }

  String string(JsonObject object, String path, String key, boolean required) {
    return typed(object, path, key, required, String.class, "a string");
  }

  Boolean bool(JsonObject object, String path, String key) {
    return typed(object, path, key, false, Boolean.class, "a boolean");
  }

  Number number(JsonObject object, String path, String key) {
    return typed(object, path, key, false, Number.class, "a number");
  }

  /** An integer of at least {@code min}. */
  Integer integer(JsonObject object, String path, String key, boolean required, int min) {
    Number value = typed(object, path, key, required, Number.class, "an integer");
    if (value == null) {
      return null;
    }
    if (value.doubleValue() != Math.rint(value.doubleValue()) || value.doubleValue() < min
        || value.doubleValue() > Integer.MAX_VALUE) {
      throw invalid(at(path, key), "must be an integer of at least " + min);
    }
    return value.intValue();
  }

  JsonObject object(JsonObject object, String path, String key, boolean required) {
    return typed(object, path, key, required, JsonObject.class, "an object");
  }

  JsonArray array(JsonObject object, String path, String key, boolean required) {
    return typed(object, path, key, required, JsonArray.class, "an array");
  }

  /** Element {@code index} of {@code array} (at {@code path}) as an object. */
  JsonObject object(JsonArray array, String path, int index) {
    if (!(array.getValue(index) instanceof JsonObject element)) {
      throw invalid(at(path, index), "must be an object");
    }
    return element;
  }

  /** Member {@code key} as a string or an array, as {@code value} reads it; null when absent. */
  Object stringOrArray(JsonObject object, String path, String key, boolean required) {
    Object value = value(object, path, key, required);
    if (value != null && !(value instanceof String) && !(value instanceof JsonArray)) {
      throw invalid(at(path, key), "must be a string or an array");
    }
    return value;
  }

  private <T> T typed(JsonObject object, String path, String key, boolean required, Class<T> type, String description) {
    Object value = value(object, path, key, required);
    if (value != null && !type.isInstance(value)) {
      throw invalid(at(path, key), "must be " + description);
    }
    return type.cast(value);
  }
}
