package io.g4f.client.provider;

import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderContext;
import io.g4f.client.spi.toolkit.OpenAiShapes;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;

/**
 * Pollinations, with no key at all: text through its OpenAI-compatible endpoint
 * ({@code POST https://text.pollinations.ai/openai}: a whole answer asked with {@code "stream": false} as one JSON
 * completion, a streamed one as server-sent events) and images through
 * {@code GET https://image.pollinations.ai/prompt/{prompt}?model=&width=&height=&seed=&nologo=true},
 * which answers with the image bytes. A key, when given, is sent as a bearer token for higher limits.
 */
public class PollinationsProvider extends OpenAiProvider {

  /** The keyless text endpoint's base. */
  public static final String TEXT_BASE_URL = "https://text.pollinations.ai";
  /** The keyless image endpoint's base. */
  public static final String IMAGE_BASE_URL = "https://image.pollinations.ai";

  private static final OpenAiShapes.Size DEFAULT_SIZE = new OpenAiShapes.Size(1024, 1024);

  private final String imageBaseUrl;

  /** Pollinations at its public endpoints. */
  public PollinationsProvider() {
    this(TEXT_BASE_URL, IMAGE_BASE_URL);
  }

  /** Pollinations at other endpoints (a mirror, a test server). */
  public PollinationsProvider(String textBaseUrl, String imageBaseUrl) {
    super("Pollinations", textBaseUrl, List.of("openai", "mistral", "flux", "turbo"), null,
        EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.VISION, Capability.IMAGES));
    this.imageBaseUrl = imageBaseUrl;
  }

  @Override
  protected String chatPath() {
    return "/openai";
  }

  /** Generates each image with a GET whose answer is the image; {@code n} images use seeds {@code seed..seed+n-1}. */
  @Override
  public Future<ImagesResponse> generateImages(ImageGenerationRequest request, ProviderContext context) {
    OpenAiShapes.Size asked = OpenAiShapes.size(request.getSize(), name());
    OpenAiShapes.Size size = asked != null ? asked : DEFAULT_SIZE;
    int count = request.getN() == null ? 1 : request.getN();
    long seed = request.getExtra().get("seed") instanceof Number number ? number.longValue()
        : (long) (Math.random() * Integer.MAX_VALUE);
    String model = request.getModel() == null || request.getModel().startsWith("dall-e") ? "flux" : request.getModel();
    MultiMap headers = headers(context).remove(HttpHeaders.CONTENT_TYPE);
    List<Future<ImagesResponse.Image>> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String url = imageBaseUrl + "/prompt/" + URLEncoder.encode(request.getPrompt(), StandardCharsets.UTF_8)
          .replace("+", "%20") + "?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8) + "&width=" + size.width()
          + "&height=" + size.height() + "&seed=" + (seed + i) + "&nologo=true";
      images.add(context.send(HttpMethod.GET, url, headers, null)
          .map(bytes -> new ImagesResponse.Image().setB64Json(Base64.getEncoder().encodeToString(bytes.getBytes()))));
    }
    return Future.all(images).map(all -> {
      ImagesResponse response = new ImagesResponse().setCreated(System.currentTimeMillis() / 1000)
          .setProvider(context.providerName());
      images.forEach(image -> response.getData().add(image.result()));
      return response;
    });
  }
}
