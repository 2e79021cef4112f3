package io.g4f.server.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.spi.toolkit.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads a request body (of an HTTP request or an event-bus message) as one of the client's request
 * types, its JSON checked first ({@link RequestShapes}); a body that cannot be read is an
 * {@link InvalidRequestException} (400) naming the {@code param}.
 */
public final class RequestBodies {

  /** How deep arrays and objects may nest in a request body (a tool's JSON schema needs a dozen levels). */
  static final int MAX_DEPTH = 64;

  /**
   * Reads one JSON value and nothing after it, at most {@value #MAX_DEPTH} levels deep, refusing a key given twice
   * (which parsers resolve differently: first, last or error).
   */
  private static final ObjectReader STRICT = strictReader();

  private static ObjectReader strictReader() {
    ObjectMapper mapper = Json.MAPPER.copy();
    mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    return mapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  private RequestBodies() {
  }

  /**
   * {@code body} (an event-bus message's, already decoded) as JSON bytes for {@link #parse}, checked first without
   * recursion: its depth (encoding a deeper one would overflow the stack), and its numbers (a bridge reads
   * {@code 1e400} as infinity, which would be encoded as the string {@code "Infinity"}).
   *
   * @throws InvalidRequestException when it nests more than {@value #MAX_DEPTH} levels or holds a number that is not
   *     finite
   */
  public static Buffer encode(JsonObject body) {
    java.util.ArrayDeque<Map.Entry<Object, Integer>> open = new java.util.ArrayDeque<>();
    open.push(Map.entry(body, 1));
    while (!open.isEmpty()) {
      Map.Entry<Object, Integer> next = open.pop();
      if (next.getValue() > MAX_DEPTH) {
        throw InvalidRequestException.forParam("The request body nests deeper than " + MAX_DEPTH + " levels", null,
            null);
      }
      Iterable<?> members = next.getKey() instanceof JsonObject object ? object.getMap().values()
          : next.getKey() instanceof Map<?, ?> map ? map.values()
          : next.getKey() instanceof JsonArray array ? array.getList()
          : next.getKey() instanceof List<?> list ? list : List.of();
      for (Object member : members) {
        if (member instanceof Double number && !Double.isFinite(number)
            || member instanceof Float single && !Float.isFinite(single)) {
          throw InvalidRequestException.forParam("The request body holds a number that is not finite", null, null);
        }
        open.push(Map.entry(member == null ? "" : member, next.getValue() + 1));
      }
    }
    return body.toBuffer();
  }

  /**
   * {@code body} (null for none) as {@code type}.
   *
   * @throws InvalidRequestException when it is not a JSON object of that type
   */
  public static <T> T parse(Buffer body, Class<T> type) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    try {
      JsonNode tree = bytes.length == 0 ? null : STRICT.readTree(bytes);
      if (tree == null || !tree.isObject()) {
        throw InvalidRequestException.forParam("The request body must be a JSON object", null, null);
      }
      RequestShapes.check(tree, type);
      return Json.MAPPER.treeToValue(tree, type);
    } catch (JsonMappingException e) {
      String param = e.getPath().isEmpty() ? null : path(e);
      throw InvalidRequestException.forParam((param == null ? "Invalid request body" : "Invalid type for '" + param
          + "'") + ": " + e.getOriginalMessage().split("\n")[0], null, param);
    } catch (JsonProcessingException e) {
      throw InvalidRequestException.forParam("We could not parse the JSON body of your request: "
          + e.getOriginalMessage(), null, null);
    } catch (IOException | IllegalArgumentException e) {
      throw InvalidRequestException.forParam("Invalid request body: " + e.getMessage(), null, null);
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
