package io.g4f.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.g4f.client.impl.Codec;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/** Reads a request body as one of the client's request types, answering 400 with {@code param} when it cannot. */
final class RequestBodies {

  private RequestBodies() {
  }

  /** The decoded body, or null after a 400 has been sent. */
  static <T> T decode(RoutingContext context, Class<T> type) {
    byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
    try {
      JsonNode tree = body.length == 0 ? null : Codec.MAPPER.readTree(body);
      if (tree == null || !tree.isObject()) {
        OpenAiErrors.send(context.response(), OpenAiErrors.invalid("The request body must be a JSON object", null));
        return null;
      }
      return Codec.MAPPER.treeToValue(tree, type);
    } catch (JsonMappingException e) {
      String param = e.getPath().isEmpty() ? null : path(e);
      OpenAiErrors.send(context.response(), OpenAiErrors.invalid(
          (param == null ? "Invalid request body" : "Invalid type for '" + param + "'") + ": "
              + e.getOriginalMessage().split("\n")[0], param));
      return null;
    } catch (JsonProcessingException e) {
      OpenAiErrors.send(context.response(), OpenAiErrors.invalid(
          "We could not parse the JSON body of your request: " + e.getOriginalMessage(), null));
      return null;
    } catch (IOException | IllegalArgumentException e) {
      OpenAiErrors.send(context.response(), OpenAiErrors.invalid("Invalid request body: " + e.getMessage(), null));
      return null;
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
