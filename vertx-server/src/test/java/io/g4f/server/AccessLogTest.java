package io.g4f.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.server.observability.AccessLog;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * The access log's line: id, method, path, status, the duration in tenths of a millisecond, then the provider, model,
 * tokens and caller when known.
 */
class AccessLogTest {

  @Test
  void durationIsRoundedToATenthOfAMillisecond() {
    assertThat(AccessLog.line("req-1", "POST", "/v1/chat/completions", 200, 1_234_567, null, null, null, null, null, null))
        .isEqualTo("req-1 POST /v1/chat/completions 200 1.2ms");
    assertThat(AccessLog.line("req-2", "GET", "/health", 404, 12_960_000, null, null, null, null, null, null))
        .isEqualTo("req-2 GET /health 404 13ms");
    assertThat(AccessLog.line("req-3", "GET", "/v1/models", 200, 40_000, null, null, null, null, null, null))
        .isEqualTo("req-3 GET /v1/models 200 0ms");
    assertThat(AccessLog.line("req-4", "GET", "/v1/models", 503, 60_000, null, null, null, null, null, null))
        .isEqualTo("req-4 GET /v1/models 503 0.1ms");
  }

  @Test
  void whatIsKnownOfTheAnswerFollows() {
    assertThat(AccessLog.line("req-5", "POST", "/v1/chat/completions", 200, 2_000_000, "oai", "gpt-4o", 12, 5,
        new BigDecimal("0.0000048"), "key:team-a")).isEqualTo("req-5 POST /v1/chat/completions 200 2ms provider=oai "
        + "model=gpt-4o prompt_tokens=12 completion_tokens=5 cost_usd=0.0000048 caller=key:team-a");
    assertThat(AccessLog.line("bus-1", AccessLog.BUS, "g4f.chat.completions", 404, 1_000_000, null, "nope", null, null,
        null, "address:127.0.0.1")).isEqualTo("bus-1 BUS g4f.chat.completions 404 1ms model=nope caller=address:127.0.0.1");
  }
}
