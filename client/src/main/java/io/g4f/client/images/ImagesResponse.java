package io.g4f.client.images;

import io.g4f.client.Extensible;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The images of one generation request, and the {@code provider} that made them. */
public final class ImagesResponse extends Extensible<ImagesResponse> {

  private long created;
  private @Nullable String provider;
  private List<Image> data = new ArrayList<>();

  /** Creation time, Unix seconds. */
  public long getCreated() {
    return created;
  }

  /** Sets the creation time. */
  public ImagesResponse setCreated(long created) {
    this.created = created;
    return this;
  }

  /** The provider that generated the images. */
  public @Nullable String getProvider() {
    return provider;
  }

  /** Sets the provider. */
  public ImagesResponse setProvider(@Nullable String provider) {
    this.provider = provider;
    return this;
  }

  /** The images; a live, mutable list. */
  public List<Image> getData() {
    return data;
  }

  /** Sets the images. */
  public ImagesResponse setData(List<Image> data) {
    this.data = data;
    return this;
  }

  /** One generated image: a URL or base64 bytes (as asked), and the prompt the model really used. */
  public static final class Image extends Extensible<Image> {

    private @Nullable String url;
    private @Nullable String b64Json;
    private @Nullable String revisedPrompt;

    /** The image URL ({@code http(s)}, {@code file:} or {@code data:}), when {@code url} was asked. */
    public @Nullable String getUrl() {
      return url;
    }

    /** Sets the URL. */
    public Image setUrl(@Nullable String url) {
      this.url = url;
      return this;
    }

    /** The image bytes, base64-encoded, when {@code b64_json} was asked. */
    public @Nullable String getB64Json() {
      return b64Json;
    }

    /** Sets the base64 bytes. */
    public Image setB64Json(@Nullable String b64Json) {
      this.b64Json = b64Json;
      return this;
    }

    /** The prompt as rewritten by the model, when it did. */
    public @Nullable String getRevisedPrompt() {
      return revisedPrompt;
    }

    /** Sets the revised prompt. */
    public Image setRevisedPrompt(@Nullable String revisedPrompt) {
      this.revisedPrompt = revisedPrompt;
      return this;
    }
  }
}
