package io.g4f.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The access log's line: id, method, path, status and the duration in tenths of a millisecond. */
class AccessLogTest {

  @Test
  void durationIsRoundedToATenthOfAMillisecond() {
    assertThat(AccessLog.line("req-1", "POST", "/v1/chat/completions", 200, 1_234_567, null))
        .isEqualTo("req-1 POST /v1/chat/completions 200 1.2ms");
    assertThat(AccessLog.line("req-2", "GET", "/health", 404, 12_960_000, null)).isEqualTo("req-2 GET /health 404 13ms");
    assertThat(AccessLog.line("req-3", "GET", "/v1/models", 200, 40_000, null)).isEqualTo("req-3 GET /v1/models 200 0ms");
    assertThat(AccessLog.line("req-4", "GET", "/v1/models", 503, 60_000, null)).isEqualTo("req-4 GET /v1/models 503 0.1ms");
    assertThat(AccessLog.line("req-5", "POST", "/v1/chat/completions", 200, 2_000_000, "oai"))
        .as("the configured provider that served").isEqualTo("req-5 POST /v1/chat/completions 200 2ms oai");
  }
}
