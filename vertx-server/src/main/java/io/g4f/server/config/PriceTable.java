package io.g4f.server.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model prices in US dollars per million tokens, keyed by model id or by {@code provider/model} (one configured
 * provider's price of a model, which wins over the model's): the config's {@code prices} object,
 * {@code {"gpt-4o-mini": {"input": 0.15, "output": 0.60, "cachedInput": 0.075},
 * "claude/claude-sonnet-4-5": {"input": 3, "output": 15, "cachedInput": 0.30, "cacheWrite": 3.75}}}, over the
 * default table shipped with the gateway ({@value #DEFAULTS}, dated in its {@code asOf} field). Immutable.
 */
public final class PriceTable {

  /** The resource holding the default table: {@code {"asOf": "YYYY-MM-DD", "prices": {...}}}. */
  static final String DEFAULTS = "/g4f-prices.json";

  private static final List<String> FIELDS = List.of("input", "output", "cachedInput", "cacheWrite");

  /**
   * One model's price per million tokens: {@code input}, {@code output}, {@code cachedInput} (input read from the
   * provider's cache; the input price when not given) and {@code cacheWrite} (input written to the cache, as
   * Anthropic bills it; the input price when not given).
   */
  public record Price(double input, double output, double cachedInput, double cacheWrite) {
  }

  private final String asOf;
  private final Map<String, Price> prices;

  private PriceTable(String asOf, Map<String, Price> prices) {
    this.asOf = asOf;
    this.prices = Map.copyOf(prices);
  }

  /** The table shipped with the gateway ({@value #DEFAULTS}), read once. */
  public static PriceTable defaults() {
    return Defaults.TABLE;
  }

  /** The default table, read at its first use. */
  private static final class Defaults {

    static final PriceTable TABLE = read();
  }

  private static PriceTable read() {
    try (InputStream in = PriceTable.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " is missing from the gateway's jar");
      }
      JsonObject table = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return new PriceTable(table.getString("asOf"), parse(table.getJsonObject("prices"), DEFAULTS + " prices"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The prices of a config's {@code prices} object ({@code where}: its path), over {@code base}: an entry replaces
   * {@code base}'s entry of the same name.
   *
   * @throws IllegalArgumentException naming the entry or field that does not fit, an unknown field included
   */
  static PriceTable over(PriceTable base, JsonObject json, String where) {
    Map<String, Price> merged = new LinkedHashMap<>(base.prices);
    merged.putAll(parse(json, where));
    return new PriceTable(base.asOf, merged);
  }

  private static Map<String, Price> parse(JsonObject json, String where) {
    Map<String, Price> prices = new LinkedHashMap<>();
    for (String model : json.fieldNames()) {
      String path = where + "." + model;
      if (model.isBlank() || model.startsWith("/") || model.endsWith("/")) {
        throw new IllegalArgumentException(path + ": a price is keyed by a model id or provider/model");
      }
      JsonObject entry = ConfigReader.field(json, model, JsonObject.class, true, where);
      ConfigReader.check(entry, path, FIELDS);
      double input = amount(entry, "input", path);
      prices.put(model, new Price(input, amount(entry, "output", path),
          entry.containsKey("cachedInput") ? amount(entry, "cachedInput", path) : input,
          entry.containsKey("cacheWrite") ? amount(entry, "cacheWrite", path) : input));
    }
    return prices;
  }

  private static double amount(JsonObject entry, String field, String where) {
    Number value = ConfigReader.field(entry, field, Number.class, true, where);
    if (value.doubleValue() < 0 || !Double.isFinite(value.doubleValue())) {
      throw new IllegalArgumentException(where + "." + field + " must be a number of US dollars per million tokens, "
          + "0 or more");
    }
    return value.doubleValue();
  }

  /**
   * The price of {@code model} when {@code provider} (as configured) serves it: the {@code provider/model} entry, else
   * the model's, else the same for the model without a date suffix ({@code gpt-4o-mini-2024-07-18},
   * {@code claude-sonnet-4-5-20250929}); null when there is none.
   */
  public Price find(String provider, String model) {
    if (model == null) {
      return null;
    }
    Price price = exact(provider, model);
    String undated = model.replaceFirst("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$", "");
    return price != null || undated.equals(model) ? price : exact(provider, undated);
  }

  private Price exact(String provider, String model) {
    Price price = provider == null ? null : prices.get(provider + "/" + model);
    return price != null ? price : prices.get(model);
  }

  /** The date of the default table's figures. */
  public String asOf() {
    return asOf;
  }

  @Override
  public String toString() {
    return "PriceTable[asOf=" + asOf + ", " + prices.size() + " prices]";
  }
}
