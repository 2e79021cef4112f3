package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.server.observability.Observability;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where spans go, by the {@code OTEL_*} variables as {@code docs/operations.md} states them: OTLP over
 * {@code http/protobuf} by default and over gRPC when {@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc}, each to a loopback
 * collector; {@code OTEL_TRACES_EXPORTER=console} (or {@code logging}) to the log, with no collector.
 */
@ExtendWith(VertxExtension.class)
class OtlpExportTest {

  /** A collector on loopback that completes {@code first} with the first export's method, path and content type. */
  private static HttpServer collector(Vertx vertx, Promise<String> first) {
    return await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler((HttpServerRequest request) -> request.body().onSuccess(body -> {
          first.tryComplete(request.version() + " " + request.method() + " " + request.path() + " "
              + request.getHeader("content-type"));
          if ("application/grpc".equals(request.getHeader("content-type"))) {
            request.response().putHeader("content-type", "application/grpc").putTrailer("grpc-status", "0").end();
          } else {
            request.response().putHeader("content-type", "application/x-protobuf").end();
          }
        })).listen());
  }

  private static void exportOneSpan(Map<String, String> env) {
    Observability observability = Observability.fromEnvironment(env);
    try {
      observability.openTelemetry().getTracer("test").spanBuilder("one-span").startSpan().end();
    } finally {
      observability.close();
    }
  }

  @Test
  void otlpIsHttpProtobufByDefault(Vertx vertx) {
    Promise<String> first = Promise.promise();
    HttpServer collector = collector(vertx, first);

    exportOneSpan(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.actualPort()));

    assertThat(first.future().toCompletionStage().toCompletableFuture())
        .succeedsWithin(10, TimeUnit.SECONDS).isEqualTo("HTTP_1_1 POST /v1/traces application/x-protobuf");
  }

  @Test
  void otlpIsGrpcWhenAsked(Vertx vertx) {
    Promise<String> first = Promise.promise();
    HttpServer collector = collector(vertx, first);

    exportOneSpan(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.actualPort(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));

    assertThat(first.future().toCompletionStage().toCompletableFuture()).succeedsWithin(10, TimeUnit.SECONDS)
        .isEqualTo("HTTP_2 POST /opentelemetry.proto.collector.trace.v1.TraceService/Export application/grpc");
  }

  @Test
  void theConsoleExporterPrintsSpansToTheLog() throws Exception {
    try (LogCapture log = LogCapture.record(Main.LogFormat.text)) {
      exportOneSpan(Map.of("OTEL_TRACES_EXPORTER", "console"));

      assertThat(log.next(line -> line.contains("one-span")).text()).contains("LoggingSpanExporter");
    }
  }
}
