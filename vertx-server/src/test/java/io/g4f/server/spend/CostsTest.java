package io.g4f.server.spend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.g4f.client.Usage;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.PriceTable;
import io.g4f.server.observability.GatewayMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cost of a usage against figures worked out by hand, for each provider's usage shape (as the client's providers
 * report it), the price table (defaults, config over them, {@code provider/model}, dated model ids, unpriced models)
 * and the strict reading of {@code prices} and {@code budget}.
 */
class CostsTest {

  private static final PriceTable.Price MINI = new PriceTable.Price(0.15, 0.60, 0.075, 0.15);
  private static final PriceTable.Price SONNET = new PriceTable.Price(3, 15, 0.30, 3.75);
  private static final PriceTable.Price FLASH = new PriceTable.Price(0.30, 2.50, 0.075, 0.30);

  private static Usage usage(String json) {
    return Json.decode(Buffer.buffer(json), Usage.class);
  }

  @Test
  void openAiCachedInputIsPricedAsCachedInput() {
    // 600 uncached x 0.15 + 400 cached x 0.075 + 200 out x 0.60 = 90 + 30 + 120 = 240 micro-dollars
    Usage usage = usage("{\"prompt_tokens\":1000,\"completion_tokens\":200,\"total_tokens\":1200,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":400,\"audio_tokens\":0}}");
    assertThat(Costs.of(MINI, usage)).isEqualByComparingTo("0.00024");
    assertThat(Costs.of(MINI, usage("{\"prompt_tokens\":1000,\"completion_tokens\":200}")))
        .as("without cached tokens: 1000 x 0.15 + 200 x 0.60").isEqualByComparingTo("0.00027");
  }

  @Test
  void deepSeekCacheHitsArePricedAsCachedInput() {
    // DeepSeek's usage: prompt 1000 of which prompt_cache_hit_tokens 800 (no prompt_tokens_details), output 100, at
    // deepseek-chat's 0.27 / 0.07 cached / 1.10: 200 x 0.27 + 800 x 0.07 + 100 x 1.10 = 54 + 56 + 110
    Usage usage = usage("{\"prompt_tokens\":1000,\"completion_tokens\":100,\"total_tokens\":1100,"
        + "\"prompt_cache_hit_tokens\":800,\"prompt_cache_miss_tokens\":200}");
    assertThat(Costs.of(new PriceTable.Price(0.27, 1.10, 0.07, 0.27), usage)).isEqualByComparingTo("0.00022");
  }

  @Test
  void anthropicCacheReadsAndWritesArePricedApart() {
    // Anthropic's input_tokens 100, cache_creation_input_tokens 1000, cache_read_input_tokens 2000, output 500, as the
    // Anthropic provider reports them: 100 x 3 + 1000 x 3.75 + 2000 x 0.30 + 500 x 15 = 300 + 3750 + 600 + 7500
    Usage usage = new Usage(3100, 500, 3600).putExtra("prompt_tokens_details",
        Map.of("cached_tokens", 2000, "cache_write_tokens", 1000));
    assertThat(Costs.of(SONNET, usage)).isEqualByComparingTo("0.01215");
  }

  @Test
  void geminiCachedContentIsPartOfThePromptAndThoughtsAreOutput() {
    // promptTokenCount 1000 of which cachedContentTokenCount 600, candidates 100 + thoughts 50:
    // 400 x 0.30 + 600 x 0.075 + 150 x 2.50 = 120 + 45 + 375
    Usage usage = new Usage(1000, 150, 1150).putExtra("prompt_tokens_details", Map.of("cached_tokens", 600));
    assertThat(Costs.of(FLASH, usage)).isEqualByComparingTo("0.00054");
  }

  @Test
  void costsAreRoundedToNanoDollarsAndNeverNegative() {
    assertThat(Costs.of(MINI, new Usage(1, 0, 1))).isEqualByComparingTo("0.00000015");
    assertThat(Costs.of(new PriceTable.Price(0.0004, 0, 0.0004, 0.0004), new Usage(1, 0, 1)))
        .as("0.4 nano-dollars").isEqualByComparingTo("0");
    assertThat(Costs.of(MINI, usage("{\"prompt_tokens\":10,\"completion_tokens\":0,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":50}}"))).as("more cached than prompt tokens: all cached")
        .isEqualByComparingTo("0.00000075");
  }

  @Test
  void configPricesOverrideTheDatedDefaultsAndProviderPricesWin() {
    GatewayOptions options = new GatewayOptions().setPrices(new JsonObject()
        .put("gpt-4o-mini", new JsonObject().put("input", 1).put("output", 2))
        .put("cheap/gpt-4o-mini", new JsonObject().put("input", 0.5).put("output", 1).put("cachedInput", 0.25)));
    PriceTable prices = options.getPrices();

    assertThat(prices.asOf()).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(prices.find("oai", "gpt-4o-mini")).isEqualTo(new PriceTable.Price(1, 2, 1, 1));
    assertThat(prices.find("cheap", "gpt-4o-mini")).isEqualTo(new PriceTable.Price(0.5, 1, 0.25, 0.5));
    assertThat(prices.find("oai", "gpt-4o-mini-2024-07-18")).as("a dated id").isEqualTo(prices.find("oai", "gpt-4o-mini"));
    assertThat(prices.find("claude", "claude-sonnet-4-5-20250929")).isEqualTo(SONNET);
    assertThat(prices.find("any", "gpt-4o")).as("a default kept").isNotNull();
    assertThat(prices.find("any", "no-such-model")).isNull();
  }

  @Test
  void anUnpricedModelCostsNothingAndIsCounted() {
    GatewayMetrics metrics = new GatewayMetrics(null);
    Costs costs = new Costs(new GatewayOptions().getPrices(), metrics);

    assertThat(costs.cost("local", "mystery", new Usage(100, 100, 200))).isEqualByComparingTo(BigDecimal.ZERO);
    costs.checkPriced("local", "mystery");
    costs.checkPriced("local", "mystery");
    costs.checkPriced("local", "gpt-4o");

    assertThat(metrics.scrape()).contains("g4f_unpriced_requests_total{model=\"mystery\",provider=\"local\"} 2.0")
        .doesNotContain("model=\"gpt-4o\",provider=\"local\"} ");
  }

  @Test
  void pricesAndBudgetsAreReadStrictly() {
    assertThatThrownBy(() -> new GatewayOptions().setPrices(new JsonObject()
        .put("m1", new JsonObject().put("input", 1).put("output", 2).put("cached", 1))))
        .hasMessageContaining("prices.m1.cached").hasMessageContaining("cachedInput");
    assertThatThrownBy(() -> new GatewayOptions().setPrices(new JsonObject()
        .put("m1", new JsonObject().put("input", -1).put("output", 2))))
        .hasMessageContaining("prices.m1.input");
    assertThatThrownBy(() -> new GatewayOptions().setPrices(new JsonObject().put("m1", new JsonObject().put("input", 1))))
        .hasMessageContaining("prices.m1.output is required");
    assertThatThrownBy(() -> new GatewayOptions().setTeamKeys(new JsonArray().add(new JsonObject().put("name", "a")
        .put("key", "k").put("budget", new JsonObject().put("usd", 5).put("periode", "1d")))))
        .hasMessageContaining("keys[0].budget.periode").hasMessageContaining("period");
    assertThatThrownBy(() -> new GatewayOptions().setTeamKeys(new JsonArray().add(new JsonObject().put("name", "a")
        .put("key", "k").put("budget", new JsonObject().put("usd", 5).put("period", "2d")))))
        .hasMessageContaining("keys[0].budget.period must be 1d, 7d or 30d");
    assertThatThrownBy(() -> new GatewayOptions().setTeamKeys(new JsonArray().add(new JsonObject().put("name", "a")
        .put("key", "k").put("budget", new JsonObject().put("usd", 0)))))
        .hasMessageContaining("keys[0].budget.usd must be a positive number");
    assertThatThrownBy(() -> new GatewayOptions().applyConfig(new JsonObject()
        .put("providers", new JsonArray().add(new JsonObject().put("name", "p").put("type", "openai")
            .put("baseUrl", "http://127.0.0.1:1/v1")))
        .put("ledger", new JsonObject().put("uri", "postgresql://h/db"))))
        .hasMessageContaining("ledger.uri").hasMessageContaining("url");
  }
}
