package io.g4f.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.g4f.client.InvalidRequestException;
import io.g4f.client.spi.toolkit.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/**
 * Reads a request body (of an HTTP request or an event-bus message) as one of the client's request
 * types, its JSON checked first ({@link RequestShapes}); a body that cannot be read is an
 * {@link InvalidRequestException} (400) naming the {@code param}.
 */
final class RequestBodies {

  private RequestBodies() {
  }

  /** The decoded body, or null after a 400 has been sent. */
  static <T> T decode(RoutingContext context, Class<T> type) {
    try {
      return parse(context.body().buffer(), type);
    } catch (InvalidRequestException e) {
      OpenAiErrors.send(context.response(), OpenAiErrors.of(e));
      return null;
    }
  }

  /**
   * {@code body} (null for none) as {@code type}.
   *
   * @throws InvalidRequestException when it is not a JSON object of that type
   */
  static <T> T parse(Buffer body, Class<T> type) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    try {
      JsonNode tree = bytes.length == 0 ? null : Json.MAPPER.readTree(bytes);
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
