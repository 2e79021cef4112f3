package io.g4f.client.provider;

import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderContext;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Azure OpenAI: the OpenAI protocol at
 * {@code {endpoint}/openai/deployments/{deployment}/chat/completions?api-version={version}} (and
 * {@code .../images/generations}, {@code .../embeddings}), with the key in an {@code api-key} header. The request's model
 * names the deployment. The endpoint is, in order: the client's base URL, the one given here, the
 * {@code AZURE_OPENAI_ENDPOINT} environment variable; the key is in {@code AZURE_OPENAI_API_KEY}.
 */
public class AzureOpenAiProvider extends OpenAiProvider {

  /** The data-plane API version used unless another is given: {@value} (the latest GA version). */
  public static final String DEFAULT_API_VERSION = "2024-10-21";
  /** The environment variable holding the resource endpoint, {@code https://{resource}.openai.azure.com}. */
  public static final String ENDPOINT_VARIABLE = "AZURE_OPENAI_ENDPOINT";

  private final @Nullable String endpoint;
  private final String apiVersion;

  /** Azure OpenAI at {@code AZURE_OPENAI_ENDPOINT} (or the client's base URL), deployment {@code gpt-4o-mini} by default. */
  public AzureOpenAiProvider() {
    this(null, DEFAULT_API_VERSION, List.of("gpt-4o-mini"));
  }

  /**
   * Azure OpenAI at a resource endpoint.
   *
   * @param endpoint {@code https://{resource}.openai.azure.com}, or null for the client's base URL or the environment
   * @param apiVersion the {@code api-version} query parameter
   * @param deployments the deployment names, the default first
   */
  public AzureOpenAiProvider(@Nullable String endpoint, String apiVersion, List<String> deployments) {
    super("Azure", endpoint == null ? "" : endpoint, deployments, "AZURE_OPENAI_API_KEY",
        EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.VISION, Capability.IMAGES,
            Capability.TOOLS, Capability.EMBEDDINGS));
    this.endpoint = endpoint;
    this.apiVersion = apiVersion;
  }

  @Override
  protected String endpoint(ProviderContext context, @Nullable String model, String path) {
    String base = context.baseUrl() != null ? context.baseUrl() : endpoint != null ? endpoint
        : System.getenv(ENDPOINT_VARIABLE);
    if (base == null || base.isBlank()) {
      throw new InvalidRequestException("Azure needs its resource endpoint: set " + ENDPOINT_VARIABLE
          + " or the client's base URL to https://{resource}.openai.azure.com", 400, name());
    }
    if (model == null) {
      throw InvalidRequestException.forParam("Azure needs the deployment name as the request's model", name(), "model");
    }
    return join(base, "/openai/deployments/" + URLEncoder.encode(model, StandardCharsets.UTF_8) + path
        + "?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
  }

  /** JSON content, and the key in {@code api-key} (Azure's header) rather than as a bearer token. */
  @Override
  protected MultiMap headers(ProviderContext context) {
    MultiMap headers = super.headers(context).remove(HttpHeaders.AUTHORIZATION);
    if (context.apiKey() != null) {
      headers.add("api-key", context.apiKey());
    }
    return headers;
  }
}
