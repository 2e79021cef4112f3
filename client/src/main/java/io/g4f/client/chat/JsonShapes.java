package io.g4f.client.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON shapes that chat properties take besides their own, read with the mapper that reads the value (so any
 * Jackson {@code ObjectMapper} reads these types the same way).
 */
final class JsonShapes {

  private JsonShapes() {
  }

  /** {@code messages}: an array of messages, or a plain string, one user message; null is no message. */
  static final class Messages extends StdDeserializer<List<ChatMessage>> {

    Messages() {
      super(List.class);
    }

    @Override
    public List<ChatMessage> deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(ChatMessage.user(parser.getText()));
        return messages;
      }
      return new ArrayList<>(List.of(context.readValue(parser, ChatMessage[].class)));
    }

    @Override
    public List<ChatMessage> getNullValue(DeserializationContext context) {
      return new ArrayList<>();
    }
  }

  /**
   * {@code content}: a string, or an array of content parts (a {@code List<ContentPart>}); any other value is read as
   * its text.
   */
  static final class Content extends StdDeserializer<Object> {

    Content() {
      super(Object.class);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      return switch (parser.currentToken()) {
        case VALUE_STRING -> parser.getText();
        case START_ARRAY -> new ArrayList<>(List.of(context.readValue(parser, ContentPart[].class)));
        default -> context.readTree(parser).asText();
      };
    }
  }
}
