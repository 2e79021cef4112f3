package io.g4f.client;

import io.g4f.client.impl.Codec;

/**
 * An image generation request: OpenAI's {@code /v1/images/generations} body, plus the per-call
 * overrides of {@link ClientRequest} (provider, key, proxy, timeout, headers), which never reach the wire.
 */
public final class ImageGenerationRequest extends ClientRequest<ImageGenerationRequest> {

  /** {@code response_format} asking for a URL (the default). */
  public static final String URL = "url";
  /** {@code response_format} asking for base64-encoded bytes. */
  public static final String B64_JSON = "b64_json";

  private String prompt;
  private String model;
  private Integer n;
  private String size;
  private String quality;
  private String style;
  private String responseFormat;
  private String user;

  /** Creates an empty request. */
  public ImageGenerationRequest() {
  }

  /** A request for {@code model} with a prompt. */
  public static ImageGenerationRequest of(String model, String prompt) {
    return new ImageGenerationRequest().setModel(model).setPrompt(prompt);
  }

  /** What to draw. Required. */
  public String getPrompt() {
    return prompt;
  }

  /** Sets the prompt. */
  public ImageGenerationRequest setPrompt(String prompt) {
    this.prompt = prompt;
    return this;
  }

  /** The model; null lets the provider pick its default. */
  public String getModel() {
    return model;
  }

  /** Sets the model. */
  public ImageGenerationRequest setModel(String model) {
    this.model = model;
    return this;
  }

  /** How many images. */
  public Integer getN() {
    return n;
  }

  /** Sets n. */
  public ImageGenerationRequest setN(Integer n) {
    this.n = n;
    return this;
  }

  /** Size such as {@code 1024x1024}. */
  public String getSize() {
    return size;
  }

  /** Sets the size. */
  public ImageGenerationRequest setSize(String size) {
    this.size = size;
    return this;
  }

  /** Quality, e.g. {@code standard} or {@code hd}. */
  public String getQuality() {
    return quality;
  }

  /** Sets the quality. */
  public ImageGenerationRequest setQuality(String quality) {
    this.quality = quality;
    return this;
  }

  /** Style, e.g. {@code vivid} or {@code natural}. */
  public String getStyle() {
    return style;
  }

  /** Sets the style. */
  public ImageGenerationRequest setStyle(String style) {
    this.style = style;
    return this;
  }

  /**
   * {@link #URL} (default) or {@link #B64_JSON}. The client honours it whatever the provider
   * returns: bytes become a file under {@link ClientOptions#setImagesDir}, a URL is downloaded.
   */
  public String getResponseFormat() {
    return responseFormat;
  }

  /** Sets the response format. */
  public ImageGenerationRequest setResponseFormat(String responseFormat) {
    this.responseFormat = responseFormat;
    return this;
  }

  /** An end-user identifier, passed to the provider. */
  public String getUser() {
    return user;
  }

  /** Sets the end-user identifier. */
  public ImageGenerationRequest setUser(String user) {
    this.user = user;
    return this;
  }

  /** A deep copy, per-call settings included. */
  public ImageGenerationRequest copy() {
    return Codec.copy(this, ImageGenerationRequest.class).copyCallSettings(this);
  }
}
