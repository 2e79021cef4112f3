package io.g4f.client.chat;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.g4f.client.CallOptions;
import io.g4f.client.Extensible;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A chat completion request: OpenAI's {@code /v1/chat/completions} body, plus {@link #setImages images}
 * for vision, which the client turns into content parts. Properties not modelled here go through
 * {@link #putExtra} unchanged. Settings of the call itself (provider, key, timeout, ...) are not part of the
 * body: they go beside it, in {@link CallOptions}.
 *
 * <p>In JSON, {@code "messages"} may also be a plain string: it becomes one user message.
 */
public final class ChatCompletionRequest extends Extensible<ChatCompletionRequest> {

  private @Nullable String model;
  @JsonDeserialize(using = JsonShapes.Messages.class)
  private List<ChatMessage> messages = new ArrayList<>();
  private @Nullable Double temperature;
  private @Nullable Double topP;
  private @Nullable Integer maxTokens;
  private @Nullable Integer maxCompletionTokens;
  @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
  private @Nullable List<String> stop;
  private @Nullable Integer n;
  private @Nullable Long seed;
  private @Nullable String user;
  private @Nullable List<Tool> tools;
  private @Nullable Object toolChoice;
  private @Nullable Map<String, @Nullable Object> responseFormat;
  private @Nullable Boolean stream;
  private @Nullable StreamOptions streamOptions;
  @JsonIgnore
  private @Nullable List<ImageInput> images;

  /** Creates an empty request. */
  public ChatCompletionRequest() {
  }

  /** A request for {@code model} with one user message. */
  public static ChatCompletionRequest of(@Nullable String model, String prompt) {
    return new ChatCompletionRequest().setModel(model).addUserMessage(prompt);
  }

  /** The model name; null lets the provider pick its default. */
  public @Nullable String getModel() {
    return model;
  }

  /** Sets the model. */
  public ChatCompletionRequest setModel(@Nullable String model) {
    this.model = model;
    return this;
  }

  /** The conversation so far; a live, mutable list. */
  public List<ChatMessage> getMessages() {
    return messages;
  }

  /** Replaces the conversation. */
  public ChatCompletionRequest setMessages(@Nullable List<ChatMessage> messages) {
    this.messages = messages == null ? new ArrayList<>() : new ArrayList<>(messages);
    return this;
  }

  /** Appends a message. */
  public ChatCompletionRequest addMessage(ChatMessage message) {
    messages.add(message);
    return this;
  }

  /** Appends a user message with text content. */
  public ChatCompletionRequest addUserMessage(String text) {
    return addMessage(ChatMessage.user(text));
  }

  /** Appends a system message. */
  public ChatCompletionRequest addSystemMessage(String text) {
    return addMessage(ChatMessage.system(text));
  }

  /** Sampling temperature, 0 to 2. */
  public @Nullable Double getTemperature() {
    return temperature;
  }

  /** Sets the temperature. */
  public ChatCompletionRequest setTemperature(@Nullable Double temperature) {
    this.temperature = temperature;
    return this;
  }

  /** Nucleus sampling mass. */
  public @Nullable Double getTopP() {
    return topP;
  }

  /** Sets top_p. */
  public ChatCompletionRequest setTopP(@Nullable Double topP) {
    this.topP = topP;
    return this;
  }

  /** Upper bound of generated tokens (the older {@code max_tokens}). */
  public @Nullable Integer getMaxTokens() {
    return maxTokens;
  }

  /** Sets max_tokens. */
  public ChatCompletionRequest setMaxTokens(@Nullable Integer maxTokens) {
    this.maxTokens = maxTokens;
    return this;
  }

  /** Upper bound of generated tokens, reasoning included ({@code max_completion_tokens}). */
  public @Nullable Integer getMaxCompletionTokens() {
    return maxCompletionTokens;
  }

  /** Sets max_completion_tokens. */
  public ChatCompletionRequest setMaxCompletionTokens(@Nullable Integer maxCompletionTokens) {
    this.maxCompletionTokens = maxCompletionTokens;
    return this;
  }

  /** Stop sequences; a single JSON string is read as a one-element list. */
  public @Nullable List<String> getStop() {
    return stop;
  }

  /** Sets the stop sequences. */
  public ChatCompletionRequest setStop(@Nullable List<String> stop) {
    this.stop = stop;
    return this;
  }

  /** How many choices to generate. */
  public @Nullable Integer getN() {
    return n;
  }

  /** Sets n. */
  public ChatCompletionRequest setN(@Nullable Integer n) {
    this.n = n;
    return this;
  }

  /** Seed for best-effort deterministic sampling. */
  public @Nullable Long getSeed() {
    return seed;
  }

  /** Sets the seed. */
  public ChatCompletionRequest setSeed(@Nullable Long seed) {
    this.seed = seed;
    return this;
  }

  /** An end-user identifier, passed to the provider. */
  public @Nullable String getUser() {
    return user;
  }

  /** Sets the end-user identifier. */
  public ChatCompletionRequest setUser(@Nullable String user) {
    this.user = user;
    return this;
  }

  /** Tools the model may call. */
  public @Nullable List<Tool> getTools() {
    return tools;
  }

  /** Sets the tools. */
  public ChatCompletionRequest setTools(@Nullable List<Tool> tools) {
    this.tools = tools;
    return this;
  }

  /** Adds a tool the model may call (see {@code io.g4f.client.typed.TypedTool} for one made from a type). */
  public ChatCompletionRequest addTool(Tool tool) {
    List<Tool> more = tools == null ? new ArrayList<>() : new ArrayList<>(tools);
    more.add(tool);
    tools = more;
    return this;
  }

  /** {@code "none"}, {@code "auto"}, {@code "required"} (a String) or a named-function object (a Map). */
  public @Nullable Object getToolChoice() {
    return toolChoice;
  }

  /** Sets tool_choice: a String or a Map. */
  public ChatCompletionRequest setToolChoice(@Nullable Object toolChoice) {
    this.toolChoice = toolChoice;
    return this;
  }

  /** The {@code response_format} object, e.g. {@code {"type":"json_object"}} or a {@code json_schema}. */
  public @Nullable Map<String, @Nullable Object> getResponseFormat() {
    return responseFormat;
  }

  /** Sets response_format. */
  public ChatCompletionRequest setResponseFormat(@Nullable Map<String, @Nullable Object> responseFormat) {
    this.responseFormat = responseFormat;
    return this;
  }

  /**
   * The wire {@code stream} flag. The client sets it itself ({@code create} and {@code stream} both
   * stream from the provider), so callers leave it alone; servers read it from incoming JSON.
   */
  public @Nullable Boolean getStream() {
    return stream;
  }

  /** Sets the wire stream flag. */
  public ChatCompletionRequest setStream(@Nullable Boolean stream) {
    this.stream = stream;
    return this;
  }

  /** Stream options, e.g. {@code include_usage}. */
  public @Nullable StreamOptions getStreamOptions() {
    return streamOptions;
  }

  /** Sets the stream options. */
  public ChatCompletionRequest setStreamOptions(@Nullable StreamOptions streamOptions) {
    this.streamOptions = streamOptions;
    return this;
  }

  /**
   * Images for a vision model, attached to the last user message as {@code image_url} parts before
   * sending (the seed's {@code image=}). Never written to JSON.
   */
  public @Nullable List<ImageInput> getImages() {
    return images;
  }

  /** Sets the images to attach. */
  public ChatCompletionRequest setImages(@Nullable List<ImageInput> images) {
    this.images = images;
    return this;
  }

  /** Adds one image to attach. */
  public ChatCompletionRequest addImage(ImageInput image) {
    if (images == null) {
      images = new ArrayList<>();
    }
    images.add(image);
    return this;
  }

  /** A deep copy, the vision images included. */
  public ChatCompletionRequest copy() {
    ChatCompletionRequest copy = deepCopy();
    copy.images = images == null ? null : new ArrayList<>(images);
    return copy;
  }

  /** The {@code stream_options} object. */
  public static final class StreamOptions extends Extensible<StreamOptions> {

    private @Nullable Boolean includeUsage;

    /** Whether a final chunk with {@code usage} (and no choices) is sent. */
    public @Nullable Boolean getIncludeUsage() {
      return includeUsage;
    }

    /** Sets include_usage. */
    public StreamOptions setIncludeUsage(@Nullable Boolean includeUsage) {
      this.includeUsage = includeUsage;
      return this;
    }
  }
}
