package io.g4f.kotlin

import io.g4f.client.AsyncClient
import io.g4f.client.ClientOptions
import io.g4f.client.testing.ScriptedServer
import io.g4f.client.testing.ScriptedServer.await
import io.vertx.core.Vertx
import io.vertx.core.buffer.Buffer
import io.vertx.core.http.HttpMethod
import io.vertx.junit5.VertxExtension
import io.vertx.kotlin.coroutines.dispatcher
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong

/** A collector that stops collecting stops the upstream's writes; collecting on delivers everything. */
@ExtendWith(VertxExtension::class)
class FlowBackpressureTest {

    // The upstream has event loops of its own: sharing one with the collector would let a busy
    // collector thread stall the upstream's writes, and the test could pass without backpressure.
    private val upstreamVertx = Vertx.vertx()
    private lateinit var upstream: ScriptedServer
    private lateinit var client: AsyncClient
    private val written = AtomicLong()

    @BeforeEach
    fun setUp(vertx: Vertx) {
        upstream = ScriptedServer.start(upstreamVertx)
            .on(HttpMethod.POST, "/v1/chat/completions", ScriptedServer.flood(CHUNK, CHUNKS, written))
        client = AsyncClient.create(vertx, ClientOptions().setBaseUrl(upstream.baseUrl()))
    }

    @AfterEach
    fun tearDown() {
        await(client.close())
        upstream.close()
        await(upstreamVertx.close())
    }

    @Test
    fun `a slow collector on Dispatchers Default keeps the upstream paused`(): Unit = slowCollector(Dispatchers.Default)

    @Test
    fun `a slow collector on a Vertx context keeps the upstream paused`(vertx: Vertx): Unit =
        slowCollector(vertx.orCreateContext.dispatcher())

    private fun slowCollector(dispatcher: CoroutineDispatcher): Unit = runBlocking {
        val received = AtomicInteger()
        val firstChunk = CompletableDeferred<Unit>()
        val goOn = CompletableDeferred<Unit>()
        val collector = launch(dispatcher) {
            client.chat.completions.stream { model = "m"; user("go") }.collect {
                if (received.incrementAndGet() == 1) {
                    firstChunk.complete(Unit)
                    goOn.await()
                }
            }
        }
        withTimeout(10_000) { firstChunk.await() }

        val stalled = runInterruptible(Dispatchers.IO) { ScriptedServer.awaitStall(written) }
        assertThat(stalled).`as`("bytes written while the collector was busy").isLessThan(TOTAL_BYTES / 2)
        assertThat(received.get()).isEqualTo(1)

        goOn.complete(Unit)
        withTimeout(60_000) { collector.join() }
        assertThat(received.get()).isEqualTo(CHUNKS)
        assertThat(written.get()).isEqualTo(TOTAL_BYTES)
    }

    private companion object {
        // 16 MB in all, far more than the socket buffers between the two ends can hold.
        const val CHUNKS = 10_000
        val CHUNK: Buffer = Buffer.buffer(
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"," +
                "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(1_500) + "\"}," +
                "\"finish_reason\":null}]}\n\n",
        )
        val TOTAL_BYTES = CHUNKS.toLong() * CHUNK.length()
    }
}
