package io.g4f.kotlin

import io.g4f.client.AsyncClient
import io.g4f.client.ClientOptions
import io.g4f.client.errors.AuthenticationException
import io.g4f.client.testing.ScriptedServer
import io.g4f.client.testing.ScriptedServer.await
import io.vertx.core.Vertx
import io.vertx.core.http.HttpMethod
import io.vertx.junit5.VertxExtension
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith

/** Cancelling a coroutine, or stopping a collection early, closes the provider request. */
@ExtendWith(VertxExtension::class)
class CancellationTest {

    private lateinit var vertx: Vertx
    private lateinit var upstream: ScriptedServer
    private lateinit var client: AsyncClient

    @BeforeEach
    fun setUp(vertx: Vertx) {
        this.vertx = vertx
        // One chunk, then silence: the answer never ends by itself.
        upstream = ScriptedServer.start(vertx).on(HttpMethod.POST, "/v1/chat/completions") { request ->
            request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(FIRST)
        }
        client = AsyncClient.create(
            vertx, ClientOptions().setBaseUrl(upstream.baseUrl()).setMaxRetries(0).setIdleTimeout(60_000),
        )
    }

    @AfterEach
    fun tearDown() {
        await(client.close())
        upstream.close()
    }

    @Test
    fun `cancelling the collecting coroutine closes the connection`(): Unit = runBlocking {
        val firstChunk = CompletableDeferred<Unit>()
        val collector = launch(Dispatchers.Default) {
            client.chat.completions.stream { user("hi") }.collect { firstChunk.complete(Unit) }
        }
        withTimeout(10_000) { firstChunk.await() }
        assertThat(upstream.closedConnections()).isZero()

        collector.cancel()

        awaitClosedConnections(1)
        assertThat(collector.isCancelled).isTrue()
    }

    @Test
    fun `stopping a collection early closes the connection`(): Unit = runBlocking {
        val chunk = client.chat.completions.stream { user("hi") }.first()

        assertThat(chunk.choices[0].delta.content).isEqualTo("Hel")
        awaitClosedConnections(1)
    }

    @Test
    fun `cancelling create closes the connection`(): Unit = runBlocking {
        val call = async(Dispatchers.Default) { client.chat.completions.create { user("hi") } }
        awaitReceived(1)
        delay(100)

        call.cancel()

        awaitClosedConnections(1)
        assertThat(call.isCancelled).isTrue()
    }

    @Test
    fun `cancelling before the provider answered closes the connection once it does`(): Unit = runBlocking {
        val accepted = CompletableDeferred<Unit>()
        upstream.on(HttpMethod.POST, "/v1/chat/completions") { request ->
            vertx.setTimer(300) {
                request.response().setChunked(true).putHeader("content-type", "text/event-stream").write(FIRST)
                accepted.complete(Unit)
            }
        }
        val collector = launch(Dispatchers.Default) { client.chat.completions.stream { user("hi") }.collect { } }
        awaitReceived(1)

        collector.cancel()

        withTimeout(10_000) { accepted.await() }
        awaitClosedConnections(1)
    }

    @Test
    fun `a failing call cancels its sibling and closes the sibling's connection`() {
        upstream.reply(
            HttpMethod.POST, "/v1/images/generations", 401, "application/json",
            """{"error":{"message":"Invalid key","type":"invalid_request_error"}}""",
        )
        val chatCancelled = CompletableDeferred<Unit>()

        assertThatThrownBy {
            runBlocking(Dispatchers.Default) {
                coroutineScope {
                    async {
                        try {
                            client.chat.completions.create { user("hi") }
                        } finally {
                            chatCancelled.complete(Unit)
                        }
                    }
                    async {
                        awaitReceived(1)
                        client.images.generate { prompt = "a white siamese cat" }
                    }
                    awaitCancellation()
                }
            }
        }.isInstanceOf(AuthenticationException::class.java).hasMessageContaining("Invalid key")

        assertThat(chatCancelled.isCompleted).isTrue()
        runBlocking { awaitClosedConnections(1) }
    }

    private suspend fun awaitReceived(count: Int) = withTimeout(10_000) {
        while (upstream.received().size < count) delay(10)
    }

    private suspend fun awaitClosedConnections(count: Int) = withTimeout(10_000) {
        while (upstream.closedConnections() < count) delay(10)
    }

    private companion object {
        const val FIRST = "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\"," +
            "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
    }
}
