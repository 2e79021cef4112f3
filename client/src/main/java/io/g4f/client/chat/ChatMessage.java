package io.g4f.client.chat;

import com.fasterxml.jackson.annotation.JsonGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.g4f.client.Extensible;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A chat message, as in OpenAI's {@code messages} array; also the {@code delta} of a streamed chunk.
 * The content is either plain text or a list of {@link ContentPart}s (text and images), never both.
 */
public final class ChatMessage extends Extensible<ChatMessage> {

  /** The {@code system} role. */
  public static final String SYSTEM = "system";
  /** The {@code user} role. */
  public static final String USER = "user";
  /** The {@code assistant} role. */
  public static final String ASSISTANT = "assistant";
  /** The {@code tool} role, for a tool's result. */
  public static final String TOOL = "tool";

  private @Nullable String role;
  @JsonIgnore
  private @Nullable String text;
  @JsonIgnore
  private @Nullable List<ContentPart> parts;
  private @Nullable String name;
  private @Nullable String refusal;
  private @Nullable List<ToolCall> toolCalls;
  private @Nullable String toolCallId;

  /** Creates an empty message. */
  public ChatMessage() {
  }

  /** Creates a message with a role and text content. */
  public ChatMessage(@Nullable String role, @Nullable String text) {
    this.role = role;
    this.text = text;
  }

  /** A {@code user} message with text content. */
  public static ChatMessage user(String text) {
    return new ChatMessage(USER, text);
  }

  /** A {@code system} message with text content. */
  public static ChatMessage system(String text) {
    return new ChatMessage(SYSTEM, text);
  }

  /** An {@code assistant} message with text content. */
  public static ChatMessage assistant(@Nullable String text) {
    return new ChatMessage(ASSISTANT, text);
  }

  /** A {@code tool} message: {@code result}, the result of the tool call {@code callId}, for the model. */
  public static ChatMessage tool(@Nullable String callId, String result) {
    return new ChatMessage(TOOL, result).setToolCallId(callId);
  }

  /** The role ({@code system}, {@code user}, {@code assistant}, {@code tool}, or a provider's own); null in a delta that does not repeat it. */
  public @Nullable String getRole() {
    return role;
  }

  /** Sets the role. */
  public ChatMessage setRole(@Nullable String role) {
    this.role = role;
    return this;
  }

  /**
   * The text of the message: the text content, or the text parts joined, or null when there is no
   * text at all. This is what {@code choices[0].message.content} means in the seed.
   */
  public @Nullable String getContent() {
    if (parts == null) {
      return text;
    }
    StringBuilder joined = null;
    for (ContentPart part : parts) {
      if (part.getText() != null) {
        joined = joined == null ? new StringBuilder() : joined;
        joined.append(part.getText());
      }
    }
    return joined == null ? null : joined.toString();
  }

  /** Sets plain text content, replacing any content parts. */
  public ChatMessage setContent(@Nullable String text) {
    this.text = text;
    this.parts = null;
    return this;
  }

  /** The content parts, or null when the content is plain text. */
  public @Nullable List<ContentPart> getContentParts() {
    return parts;
  }

  /** Sets content parts, replacing any text content. */
  public ChatMessage setContentParts(@Nullable List<ContentPart> parts) {
    this.parts = parts;
    this.text = null;
    return this;
  }

  /** Appends a content part; plain text content already present becomes the first text part. */
  public ChatMessage addContentPart(ContentPart part) {
    if (parts == null) {
      parts = new ArrayList<>();
      if (text != null) {
        parts.add(ContentPart.text(text));
        text = null;
      }
    }
    parts.add(part);
    return this;
  }

  @JsonGetter("content")
  private @Nullable Object contentJson() {
    return parts != null ? parts : text;
  }

  @JsonSetter("content")
  @JsonDeserialize(using = JsonShapes.Content.class)
  @SuppressWarnings("unchecked")
  private void contentJson(@Nullable Object content) {
    if (content instanceof List<?> list) {
      setContentParts((List<ContentPart>) list);
    } else {
      setContent((String) content);
    }
  }

  /** An optional participant name. */
  public @Nullable String getName() {
    return name;
  }

  /** Sets the participant name. */
  public ChatMessage setName(@Nullable String name) {
    this.name = name;
    return this;
  }

  /** The assistant's refusal message, when the model refused. */
  public @Nullable String getRefusal() {
    return refusal;
  }

  /** Sets the refusal message. */
  public ChatMessage setRefusal(@Nullable String refusal) {
    this.refusal = refusal;
    return this;
  }

  /** Tool calls made by the assistant, or null. In a delta, fragments carry an {@code index}. */
  public @Nullable List<ToolCall> getToolCalls() {
    return toolCalls;
  }

  /** Sets the tool calls. */
  public ChatMessage setToolCalls(@Nullable List<ToolCall> toolCalls) {
    this.toolCalls = toolCalls;
    return this;
  }

  /** For a {@code tool} message: the id of the call it answers. */
  public @Nullable String getToolCallId() {
    return toolCallId;
  }

  /** Sets the id of the tool call this message answers. */
  public ChatMessage setToolCallId(@Nullable String toolCallId) {
    this.toolCallId = toolCallId;
    return this;
  }
}
