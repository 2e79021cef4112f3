package io.g4f.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.g4f.client.ClientOptions;
import io.g4f.client.ProviderEntry;
import io.g4f.client.provider.Providers;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's config file, {@code --config FILE}: {@code {"providers":[{"name","type","baseUrl","apiKey","models",
 * "http2","timeouts","retries"}], "defaultProvider", "imageProvider", "models":{GROUP:{...}}, "circuitBreaker",
 * "corsOrigins", "rateLimitPerMinute", "eventBusPrefix", "keys", "trustForwardedFor", "playground", "timeouts",
 * "retries", "shutdownTimeout", "allowedPrivateImageHosts", "imageRetention", "eventLoops", "prices", "ledger"}}
 * applied to
 * {@link GatewayOptions} ({@link #read}: strict JSON, {@code ${VAR}} from the environment); an unknown key at any
 * level stops the start, naming it.
 */
public final class ConfigFile {

  /** Reads one JSON object and nothing after it, refusing a key given twice in one object (the last would win). */
  private static final ObjectReader STRICT = new ObjectMapper().reader()
      .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .forType(new TypeReference<Map<String, Object>>() { });
  /** A variable, {@code ${NAME}} or {@code ${NAME:-default}}; a doubled dollar sign before the brace is a literal one. */
  private static final Pattern VARIABLE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private ConfigFile() {
  }

  /**
   * The config file {@code file}: strict JSON (a key given twice in one object is an error), with {@code ${NAME}}
   * and {@code ${NAME:-default}} in any string value replaced by the variable {@code NAME} of {@code env}, so that
   * secrets need not sit in the file.
   *
   * @throws IllegalArgumentException when the file cannot be read, is not one JSON object, or names a variable that
   *     is not set and has no default (naming the field and the variable, never a value)
   */
  public static JsonObject read(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("--config: cannot read " + file + " (" + e + ")");
    }
    Map<String, Object> json;
    try {
      json = STRICT.readValue(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")"));
    }
    if (json == null) {
      throw new IllegalArgumentException(file + " is not valid JSON: it holds no object");
    }
    return (JsonObject) substitute(new JsonObject(json), null, env);
  }

  private static Object substitute(Object value, String where, Map<String, String> env) {
    if (value instanceof JsonObject object) {
      JsonObject resolved = new JsonObject();
      object.forEach(field -> resolved.put(field.getKey(), substitute(field.getValue(),
          where == null ? field.getKey() : where + "." + field.getKey(), env)));
      return resolved;
    }
    if (value instanceof JsonArray array) {
      JsonArray resolved = new JsonArray();
      for (int i = 0; i < array.size(); i++) {
        resolved.add(substitute(array.getValue(i), where + "[" + i + "]", env));
      }
      return resolved;
    }
    if (value instanceof String text && text.contains("${")) {
      Matcher matcher = VARIABLE.matcher(text);
      StringBuilder resolved = new StringBuilder();
      while (matcher.find()) {
        String replacement;
        if (matcher.group(1) == null) {
          replacement = "${";
        } else {
          String set = env.get(matcher.group(1));
          if (set == null && matcher.group(2) == null) {
            throw new IllegalArgumentException(where + " names the environment variable " + matcher.group(1)
                + ", which is not set (give it a default with ${" + matcher.group(1) + ":-default})");
          }
          replacement = set != null ? set : matcher.group(2);
        }
        matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
      }
      matcher.appendTail(resolved);
      return resolved.toString();
    }
    return value;
  }

  /** The top-level keys of the config file. */
  static final List<String> CONFIG_KEYS = List.of("providers", "defaultProvider", "imageProvider", "models",
      "circuitBreaker", "corsOrigins", "rateLimitPerMinute", "eventBusPrefix", "keys", "trustForwardedFor",
      "playground", "timeouts", "retries", "shutdownTimeout", "allowedPrivateImageHosts", "imageRetention",
      "eventLoops", "prices", "ledger");
  private static final List<String> PROVIDER_KEYS = List.of("name", "type", "baseUrl", "apiKey", "models",
      "timeouts", "retries", "http2");
  private static final List<String> BREAKER_KEYS = List.of("failureThreshold", "coolDown");
  private static final List<String> RETENTION_KEYS = List.of("maxFiles", "maxAge");

  /**
   * Applies {@code config} to {@code options}. Each provider needs a unique {@code name} and a {@code type}: {@code openai}
   * (any OpenAI-compatible server; {@code baseUrl} required), a preset such as {@code Groq} or
   * {@code Ollama} (for {@code Ollama} the address Ollama prints, without {@code /v1}, is taken as well) or
   * another provider of the {@linkplain GatewayOptions#getProviderRegistry() registry} (one found with
   * {@link java.util.ServiceLoader}), or the fully qualified name of a {@link Provider} class with a public
   * no-argument constructor (made once, and added to the registry); {@code baseUrl} is then optional.
   * {@code apiKey} and {@code models} are optional; {@code "http2": true} speaks HTTP/2 with prior knowledge (h2c) to
   * an {@code http://} {@code baseUrl} ({@link ClientOptions#isHttp2()}). {@code models} maps
   * group names to {@link ModelGroup}s; {@code circuitBreaker} sets {@code failureThreshold} and
   * {@code coolDown} (ms). Every key at every level must be known.
   *
   * @throws IllegalArgumentException naming the offending field (and, for a misspelt name, the closest known one)
   */
  static GatewayOptions apply(GatewayOptions options, JsonObject config) {
    ConfigReader.check(config, null, CONFIG_KEYS);
    JsonArray list = ConfigReader.field(config, "providers", JsonArray.class, true, null);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("providers must list at least one provider");
    }
    options.clearProviders();
    options.setUpstreamLimits(UpstreamLimits.fromConfig(config, null));
    Map<String, String> seen = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "providers[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject provider)) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      ConfigReader.check(provider, where, PROVIDER_KEYS);
      String name = ConfigReader.field(provider, "name", String.class, true, where);
      String earlier = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), where);
      if (earlier != null) {
        throw new IllegalArgumentException(where + ".name '" + name + "' is already the name of " + earlier);
      }
      String type = ConfigReader.field(provider, "type", String.class, true, where);
      boolean generic = type.equalsIgnoreCase("openai");
      String providerName = generic ? "OpenAI" : ProviderTypes.named(options.getProviderRegistry(), type, where);
      String baseUrl = baseUrl(ConfigReader.field(provider, "baseUrl", String.class, generic, where), type, where);
      // an entry, so that errors and answers name the provider as configured, and a key from the type's
      // environment variable never goes to a baseUrl of the config's
      ProviderEntry entry = new ProviderEntry(name, providerName).setBaseUrl(baseUrl)
          .setApiKey(ConfigReader.field(provider, "apiKey", String.class, false, where));
      ClientOptions client = new ClientOptions().addProvider(entry).setProvider(name)
          .setHttp2(Boolean.TRUE.equals(ConfigReader.field(provider, "http2", Boolean.class, false, where)));
      options.addProvider(name, client, ConfigReader.strings(provider, "models", where));
      options.setProviderLimits(name, UpstreamLimits.fromConfig(provider, where));
    }
    options.setDefaultProvider(configured(options, config, "defaultProvider"));
    String imageProvider = configured(options, config, "imageProvider");
    options.setImageProvider(imageProvider);
    if (imageProvider != null && !makesImages(options, options.provider(imageProvider))) {
      throw new IllegalArgumentException("imageProvider '" + imageProvider + "' makes no images (its type is "
          + options.provider(imageProvider).typeName() + "); providers that do: " + String.join(", ",
          options.getProviders().stream().filter(provider -> makesImages(options, provider))
              .map(GatewayOptions.ProviderConfig::name).toList()));
    }
    JsonObject groups = ConfigReader.field(config, "models", JsonObject.class, false, null);
    if (groups != null) {
      groups.forEach(group -> options.addModelGroup(ModelGroup.fromJson(group.getKey(), group.getValue())));
    }
    JsonObject breaker = ConfigReader.field(config, "circuitBreaker", JsonObject.class, false, null);
    if (breaker != null) {
      ConfigReader.check(breaker, "circuitBreaker", BREAKER_KEYS);
      Integer threshold = ConfigReader.integer(breaker, "failureThreshold", 1, "circuitBreaker");
      Integer coolDown = ConfigReader.integer(breaker, "coolDown", 1, "circuitBreaker");
      if (threshold != null) {
        options.setBreakerFailureThreshold(threshold);
      }
      if (coolDown != null) {
        options.setBreakerCoolDown(coolDown);
      }
    }
    options.setAllowedPrivateImageHosts(ConfigReader.strings(config, "allowedPrivateImageHosts", null));
    JsonObject retention = ConfigReader.field(config, "imageRetention", JsonObject.class, false, null);
    if (retention != null) {
      ConfigReader.check(retention, "imageRetention", RETENTION_KEYS);
      Integer maxFiles = ConfigReader.integer(retention, "maxFiles", 1, "imageRetention");
      Long maxAge = ConfigReader.longInteger(retention, "maxAge", 1, "imageRetention");
      if (maxFiles != null) {
        options.setImageMaxFiles(maxFiles);
      }
      if (maxAge != null) {
        options.setImageMaxAge(maxAge);
      }
    }
    Integer loops = ConfigReader.integer(config, "eventLoops", 1, null);
    if (loops != null) {
      options.setEventLoops(loops);
    }
    Integer shutdown = ConfigReader.integer(config, "shutdownTimeout", 0, null);
    if (shutdown != null) {
      options.setShutdownTimeout(shutdown);
    }
    Integer rateLimit = ConfigReader.integer(config, "rateLimitPerMinute", 0, null);
    if (rateLimit != null) {
      options.setRateLimitPerMinute(rateLimit);
    }
    options.setCorsOrigins(ConfigReader.strings(config, "corsOrigins", null));
    options.setTeamKeys(ConfigReader.field(config, "keys", JsonArray.class, false, null));
    options.setPrices(ConfigReader.field(config, "prices", JsonObject.class, false, null));
    JsonObject ledger = ConfigReader.field(config, "ledger", JsonObject.class, false, null);
    if (ledger != null) {
      options.setLedger(LedgerOptions.fromConfig(ledger, options.getLedger()));
    }
    Boolean trust = ConfigReader.field(config, "trustForwardedFor", Boolean.class, false, null);
    if (trust != null) {
      options.setTrustForwardedFor(trust);
    }
    Boolean page = ConfigReader.field(config, "playground", Boolean.class, false, null);
    if (page != null) {
      options.setPlayground(page);
    }
    String prefix = ConfigReader.field(config, "eventBusPrefix", String.class, false, null);
    if (prefix != null) {
      options.setEventBusPrefix(prefix);
    }
    return options;
  }

  /**
   * A configured base URL, checked for a scheme; for the Ollama preset, the address Ollama prints
   * ({@code http://127.0.0.1:11434}) gets the {@code /v1} of its OpenAI-compatible API.
   */
  private static String baseUrl(String baseUrl, String type, String where) {
    if (baseUrl == null) {
      return null;
    }
    if (!baseUrl.matches("(?i)https?://[^/?#\\s]+(/\\S*)?")) {
      throw new IllegalArgumentException(where + ".baseUrl '" + baseUrl
          + "' needs an http:// or https:// scheme and a host, e.g. http://127.0.0.1:11434/v1");
    }
    boolean bare = baseUrl.matches("(?i)https?://[^/]+/?");
    return bare && type.equalsIgnoreCase(Providers.OLLAMA.name())
        ? baseUrl.replaceAll("/$", "") + "/v1" : baseUrl;
  }

  private static boolean makesImages(GatewayOptions options, GatewayOptions.ProviderConfig provider) {
    Provider type = provider.type(options.getProviderRegistry());
    return type != null && type.capabilities().contains(Capability.IMAGES);
  }

  private static String configured(GatewayOptions options, JsonObject config, String field) {
    String name = ConfigReader.field(config, field, String.class, false, null);
    if (name != null && options.provider(name) == null) {
      throw new IllegalArgumentException(field + " '" + name + "' is not one of the configured providers"
          + ConfigReader.suggestion(name, options.getProviders().stream().map(GatewayOptions.ProviderConfig::name)
              .toList()));
    }
    return name;
  }
}
