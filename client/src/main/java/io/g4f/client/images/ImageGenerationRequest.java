package io.g4f.client.images;

import io.g4f.client.CallOptions;
import io.g4f.client.ClientOptions;
import io.g4f.client.Extensible;
import org.jspecify.annotations.Nullable;

/**
 * An image generation request: OpenAI's {@code /v1/images/generations} body. Settings of the call itself
 * (provider, key, timeout, ...) go beside it, in {@link CallOptions}.
 */
public final class ImageGenerationRequest extends Extensible<ImageGenerationRequest> {

  /** {@code response_format} asking for a URL (the default). */
  public static final String URL = "url";
  /** {@code response_format} asking for base64-encoded bytes. */
  public static final String B64_JSON = "b64_json";

  private @Nullable String prompt;
  private @Nullable String model;
  private @Nullable Integer n;
  private @Nullable String size;
  private @Nullable String quality;
  private @Nullable String style;
  private @Nullable String responseFormat;
  private @Nullable String user;

  /** Creates an empty request. */
  public ImageGenerationRequest() {
  }

  /** A request for {@code model} with a prompt. */
  public static ImageGenerationRequest of(@Nullable String model, String prompt) {
    return new ImageGenerationRequest().setModel(model).setPrompt(prompt);
  }

  /** What to draw. Required. */
  public @Nullable String getPrompt() {
    return prompt;
  }

  /** Sets the prompt. */
  public ImageGenerationRequest setPrompt(@Nullable String prompt) {
    this.prompt = prompt;
    return this;
  }

  /** The model; null lets the provider pick its default. */
  public @Nullable String getModel() {
    return model;
  }

  /** Sets the model. */
  public ImageGenerationRequest setModel(@Nullable String model) {
    this.model = model;
    return this;
  }

  /** How many images. */
  public @Nullable Integer getN() {
    return n;
  }

  /** Sets n. */
  public ImageGenerationRequest setN(@Nullable Integer n) {
    this.n = n;
    return this;
  }

  /** Size such as {@code 1024x1024}. */
  public @Nullable String getSize() {
    return size;
  }

  /** Sets the size. */
  public ImageGenerationRequest setSize(@Nullable String size) {
    this.size = size;
    return this;
  }

  /** Quality, e.g. {@code standard} or {@code hd}. */
  public @Nullable String getQuality() {
    return quality;
  }

  /** Sets the quality. */
  public ImageGenerationRequest setQuality(@Nullable String quality) {
    this.quality = quality;
    return this;
  }

  /** Style, e.g. {@code vivid} or {@code natural}. */
  public @Nullable String getStyle() {
    return style;
  }

  /** Sets the style. */
  public ImageGenerationRequest setStyle(@Nullable String style) {
    this.style = style;
    return this;
  }

  /**
   * {@link #URL} (default) or {@link #B64_JSON}. The client honours it whatever the provider
   * returns: bytes become a file under {@link ClientOptions#setImagesDir}, a URL is downloaded.
   */
  public @Nullable String getResponseFormat() {
    return responseFormat;
  }

  /** Sets the response format. */
  public ImageGenerationRequest setResponseFormat(@Nullable String responseFormat) {
    this.responseFormat = responseFormat;
    return this;
  }

  /** An end-user identifier, passed to the provider. */
  public @Nullable String getUser() {
    return user;
  }

  /** Sets the end-user identifier. */
  public ImageGenerationRequest setUser(@Nullable String user) {
    this.user = user;
    return this;
  }

  /** A deep copy. */
  public ImageGenerationRequest copy() {
    return deepCopy();
  }
}
