package io.g4f.server.spend;

import io.g4f.client.Usage;
import io.g4f.server.config.PriceTable;
import io.g4f.server.observability.GatewayMetrics;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cost of an answer in US dollars, from the usage it reported and the {@link PriceTable}: input tokens at the
 * {@code input} price, those read from the provider's cache ({@code prompt_tokens_details.cached_tokens}, as OpenAI,
 * Gemini and the Anthropic provider report them, or DeepSeek's {@code prompt_cache_hit_tokens}) at
 * {@code cachedInput}, those written to it ({@code prompt_tokens_details.cache_write_tokens}, Anthropic's cache
 * writes) at {@code cacheWrite}, and output
 * tokens at {@code output}; rounded to nano-dollars. A model without a price costs nothing and its answers are
 * counted as unpriced ({@link #checkPriced}: {@code g4f_unpriced_requests_total}, and one WARN line per provider and
 * model). Thread-safe.
 */
public final class Costs {

  /** Decimal places of a cost: nano-dollars. */
  public static final int SCALE = 9;

  private static final Logger LOG = LoggerFactory.getLogger("io.g4f.server.spend");
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private final PriceTable prices;
  private final GatewayMetrics metrics;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** Costs by {@code prices}, unpriced models counted in {@code metrics}. */
  public Costs(PriceTable prices, GatewayMetrics metrics) {
    this.prices = prices;
    this.metrics = metrics;
  }

  /**
   * The cost of {@code usage} (null: none) reported by {@code provider} serving {@code model}; 0 when the model has no
   * price.
   */
  public BigDecimal cost(String provider, String model, Usage usage) {
    PriceTable.Price price = prices.find(provider, model);
    return price == null || usage == null ? BigDecimal.ZERO : of(price, usage);
  }

  /** Counts an answer of {@code provider} for {@code model} as unpriced when the model has no price. */
  void checkPriced(String provider, String model) {
    if (prices.find(provider, model) == null) {
      metrics.unpriced(provider, model);
      if (warned.add(provider + "/" + model)) {
        LOG.warn("No price for the model '{}' of the provider '{}': its requests cost 0 (give it one in the "
            + "config's prices)", model == null ? "(its default)" : model, provider);
      }
    }
  }

  /** What {@code usage} costs at {@code price}, in US dollars rounded to nano-dollars. */
  public static BigDecimal of(PriceTable.Price price, Usage usage) {
    long prompt = count(usage.getPromptTokens());
    long cached = Math.min(prompt, cachedTokens(usage));
    long written = Math.min(prompt - cached, detail(usage, "cache_write_tokens"));
    BigDecimal micro = BigDecimal.valueOf(price.input()).multiply(BigDecimal.valueOf(prompt - cached - written))
        .add(BigDecimal.valueOf(price.cachedInput()).multiply(BigDecimal.valueOf(cached)))
        .add(BigDecimal.valueOf(price.cacheWrite()).multiply(BigDecimal.valueOf(written)))
        .add(BigDecimal.valueOf(price.output()).multiply(BigDecimal.valueOf(count(usage.getCompletionTokens()))));
    return micro.divide(MILLION, SCALE, RoundingMode.HALF_UP).stripTrailingZeros();
  }

  /**
   * The input tokens of {@code usage} read from the provider's cache: {@code prompt_tokens_details.cached_tokens}, else
   * DeepSeek's own {@code prompt_cache_hit_tokens} (its OpenAI-compatible API reports cache hits there only).
   */
  public static long cachedTokens(Usage usage) {
    long cached = detail(usage, "cached_tokens");
    return cached > 0 || !(usage.getExtra().get("prompt_cache_hit_tokens") instanceof Number hits)
        ? cached : Math.max(0, hits.longValue());
  }

  private static long count(Integer tokens) {
    return tokens == null || tokens < 0 ? 0 : tokens;
  }

  private static long detail(Usage usage, String name) {
    Object details = usage.getExtra().get("prompt_tokens_details");
    Object value = details instanceof Map<?, ?> map ? map.get(name) : null;
    return value instanceof Number number && number.longValue() > 0 ? number.longValue() : 0;
  }
}
