package io.g4f.client;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.databind.JsonNode;
import io.g4f.client.impl.Codec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A chat completion request: OpenAI's {@code /v1/chat/completions} body, plus client-side settings
 * that never reach the wire: {@link #setImages images} for vision and the per-call overrides of
 * {@link ClientRequest} (provider, key, proxy, timeout, headers). Properties not modelled here go
 * through {@link #putExtra} unchanged.
 *
 * <p>In JSON, {@code "messages"} may also be a plain string: it becomes one user message.
 */
public final class ChatCompletionRequest extends ClientRequest<ChatCompletionRequest> {

  private String model;
  private List<ChatMessage> messages = new ArrayList<>();
  private Double temperature;
  private Double topP;
  private Integer maxTokens;
  private Integer maxCompletionTokens;
  @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
  private List<String> stop;
  private Integer n;
  private Long seed;
  private String user;
  private List<Tool> tools;
  private Object toolChoice;
  private Map<String, Object> responseFormat;
  private Boolean stream;
  private StreamOptions streamOptions;
  @JsonIgnore
  private List<ImageInput> images;

  /** Creates an empty request. */
  public ChatCompletionRequest() {
  }

  /** A request for {@code model} with one user message. */
  public static ChatCompletionRequest of(String model, String prompt) {
    return new ChatCompletionRequest().setModel(model).addUserMessage(prompt);
  }

  /** The model name; null lets the provider pick its default. */
  public String getModel() {
    return model;
  }

  /** Sets the model. */
  public ChatCompletionRequest setModel(String model) {
    this.model = model;
    return this;
  }

  /** The conversation so far; a live, mutable list. */
  public List<ChatMessage> getMessages() {
    return messages;
  }

  /** Replaces the conversation. */
  public ChatCompletionRequest setMessages(List<ChatMessage> messages) {
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

  @JsonSetter("messages")
  private void messagesJson(JsonNode node) {
    messages = new ArrayList<>();
    if (node == null || node.isNull()) {
      return;
    }
    if (node.isTextual()) {
      addUserMessage(node.asText());
    } else {
      messages.addAll(List.of(Codec.treeToValue(node, ChatMessage[].class)));
    }
  }

  /** Sampling temperature, 0 to 2. */
  public Double getTemperature() {
    return temperature;
  }

  /** Sets the temperature. */
  public ChatCompletionRequest setTemperature(Double temperature) {
    this.temperature = temperature;
    return this;
  }

  /** Nucleus sampling mass. */
  public Double getTopP() {
    return topP;
  }

  /** Sets top_p. */
  public ChatCompletionRequest setTopP(Double topP) {
    this.topP = topP;
    return this;
  }

  /** Upper bound of generated tokens (the older {@code max_tokens}). */
  public Integer getMaxTokens() {
    return maxTokens;
  }

  /** Sets max_tokens. */
  public ChatCompletionRequest setMaxTokens(Integer maxTokens) {
    this.maxTokens = maxTokens;
    return this;
  }

  /** Upper bound of generated tokens, reasoning included ({@code max_completion_tokens}). */
  public Integer getMaxCompletionTokens() {
    return maxCompletionTokens;
  }

  /** Sets max_completion_tokens. */
  public ChatCompletionRequest setMaxCompletionTokens(Integer maxCompletionTokens) {
    this.maxCompletionTokens = maxCompletionTokens;
    return this;
  }

  /** Stop sequences; a single JSON string is read as a one-element list. */
  public List<String> getStop() {
    return stop;
  }

  /** Sets the stop sequences. */
  public ChatCompletionRequest setStop(List<String> stop) {
    this.stop = stop;
    return this;
  }

  /** How many choices to generate. */
  public Integer getN() {
    return n;
  }

  /** Sets n. */
  public ChatCompletionRequest setN(Integer n) {
    this.n = n;
    return this;
  }

  /** Seed for best-effort deterministic sampling. */
  public Long getSeed() {
    return seed;
  }

  /** Sets the seed. */
  public ChatCompletionRequest setSeed(Long seed) {
    this.seed = seed;
    return this;
  }

  /** An end-user identifier, passed to the provider. */
  public String getUser() {
    return user;
  }

  /** Sets the end-user identifier. */
  public ChatCompletionRequest setUser(String user) {
    this.user = user;
    return this;
  }

  /** Tools the model may call. */
  public List<Tool> getTools() {
    return tools;
  }

  /** Sets the tools. */
  public ChatCompletionRequest setTools(List<Tool> tools) {
    this.tools = tools;
    return this;
  }

  /** {@code "none"}, {@code "auto"}, {@code "required"} (a String) or a named-function object (a Map). */
  public Object getToolChoice() {
    return toolChoice;
  }

  /** Sets tool_choice: a String or a Map. */
  public ChatCompletionRequest setToolChoice(Object toolChoice) {
    this.toolChoice = toolChoice;
    return this;
  }

  /** The {@code response_format} object, e.g. {@code {"type":"json_object"}} or a {@code json_schema}. */
  public Map<String, Object> getResponseFormat() {
    return responseFormat;
  }

  /** Sets response_format. */
  public ChatCompletionRequest setResponseFormat(Map<String, Object> responseFormat) {
    this.responseFormat = responseFormat;
    return this;
  }

  /**
   * The wire {@code stream} flag. The client sets it itself ({@code create} and {@code stream} both
   * stream from the provider), so callers leave it alone; servers read it from incoming JSON.
   */
  public Boolean getStream() {
    return stream;
  }

  /** Sets the wire stream flag. */
  public ChatCompletionRequest setStream(Boolean stream) {
    this.stream = stream;
    return this;
  }

  /** Stream options, e.g. {@code include_usage}. */
  public StreamOptions getStreamOptions() {
    return streamOptions;
  }

  /** Sets the stream options. */
  public ChatCompletionRequest setStreamOptions(StreamOptions streamOptions) {
    this.streamOptions = streamOptions;
    return this;
  }

  /**
   * Images for a vision model, attached to the last user message as {@code image_url} parts before
   * sending (the seed's {@code image=}). Never written to JSON.
   */
  public List<ImageInput> getImages() {
    return images;
  }

  /** Sets the images to attach. */
  public ChatCompletionRequest setImages(List<ImageInput> images) {
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

  /** A deep copy, client-side settings included. */
  public ChatCompletionRequest copy() {
    ChatCompletionRequest copy = Codec.copy(this, ChatCompletionRequest.class);
    copy.images = images == null ? null : new ArrayList<>(images);
    return copy.copyCallSettings(this);
  }

  /** The {@code stream_options} object. */
  public static final class StreamOptions extends Extensible<StreamOptions> {

    private Boolean includeUsage;

    /** Whether a final chunk with {@code usage} (and no choices) is sent. */
    public Boolean getIncludeUsage() {
      return includeUsage;
    }

    /** Sets include_usage. */
    public StreamOptions setIncludeUsage(Boolean includeUsage) {
      this.includeUsage = includeUsage;
      return this;
    }
  }
}
