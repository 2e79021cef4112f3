package io.g4f.client;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An image generation request: OpenAI's {@code /v1/images/generations} body, plus a per-request
 * {@link #setProxy proxy} that never reaches the wire.
 */
public final class ImageGenerationRequest extends Extensible<ImageGenerationRequest> {

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
  @JsonIgnore
  private String proxy;

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

  /** A proxy URI for this request only, overriding {@link ClientOptions#setProxy}. Never written to JSON. */
  public String getProxy() {
    return proxy;
  }

  /** Sets the proxy for this request. */
  public ImageGenerationRequest setProxy(String proxy) {
    this.proxy = proxy;
    return this;
  }
}
