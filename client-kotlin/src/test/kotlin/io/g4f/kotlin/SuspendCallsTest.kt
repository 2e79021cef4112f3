package io.g4f.kotlin

import io.g4f.client.AsyncClient
import io.g4f.client.ClientOptions
import io.g4f.client.images.ImageGenerationRequest
import io.g4f.client.testing.ScriptedServer
import io.g4f.client.testing.ScriptedServer.await
import io.vertx.core.Context
import io.vertx.core.Vertx
import io.vertx.core.http.HttpMethod
import io.vertx.core.json.JsonArray
import io.vertx.core.json.JsonObject
import io.vertx.junit5.VertxExtension
import io.vertx.kotlin.coroutines.dispatcher
import kotlin.coroutines.Continuation
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.startCoroutine
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith

/** The suspend calls and the flow give the Java client's results, on a Vert.x context or on Dispatchers.Default. */
@ExtendWith(VertxExtension::class)
class SuspendCallsTest {

    private lateinit var vertx: Vertx
    private lateinit var upstream: ScriptedServer
    private lateinit var client: AsyncClient

    @BeforeEach
    fun setUp(vertx: Vertx) {
        this.vertx = vertx
        upstream = ScriptedServer.start(vertx)
            .openAiChat("/v1/chat/completions")
            .reply(
                HttpMethod.POST, "/v1/images/generations", 200, "application/json",
                JsonObject().put("created", 1)
                    .put("data", JsonArray().add(JsonObject().put("b64_json", PNG_BASE64))).encode(),
            )
            .reply(
                HttpMethod.POST, "/v1/embeddings", 200, "application/json",
                ScriptedServer.resource("transcripts/openai-embeddings.json"),
            )
        client = AsyncClient.create(vertx, ClientOptions().setBaseUrl(upstream.baseUrl()).setApiKey("test-key"))
    }

    @AfterEach
    fun tearDown() {
        await(client.close())
        upstream.close()
    }

    @Test
    fun `create folds the answer and sends what the DSL built`(): Unit = runBlocking {
        val response = client.chat.completions.create {
            model = "gpt-4o-mini"
            user("say this is a test")
        }

        assertThat(response.choices[0].message?.content).isEqualTo("This is a test.")
        assertThat(response.usage?.totalTokens).isEqualTo(17)
        val sent = upstream.last().json()
        assertThat(sent.getString("model")).isEqualTo("gpt-4o-mini")
        assertThat(sent.getJsonArray("messages")).isEqualTo(
            JsonArray().add(JsonObject().put("role", "user").put("content", "say this is a test")),
        )
        assertThat(sent.getBoolean("stream")).`as`("a whole answer is asked as one").isFalse()
    }

    @Test
    fun `stream emits every chunk in order`(): Unit = runBlocking {
        val chunks = client.chat.completions.stream {
            model = "gpt-4o-mini"
            user("say this is a test")
        }.toList()

        assertThat(chunks).hasSize(6)
        assertThat(chunks.joinToString("") { it.choices.firstOrNull()?.delta?.content.orEmpty() })
            .isEqualTo("This is a test.")
    }

    @Test
    fun `the flow is cold - each collection sends the request again`(): Unit = runBlocking {
        val answer = client.chat.completions.stream { user("say this is a test") }

        assertThat(upstream.received()).isEmpty()
        answer.toList()
        answer.toList()
        assertThat(upstream.received()).hasSize(2)
    }

    @Test
    fun `generate returns the images in the requested format`(): Unit = runBlocking {
        val response = client.images.generate {
            model = "dall-e-3"
            prompt = "a white siamese cat"
            responseFormat = ImageGenerationRequest.B64_JSON
        }

        assertThat(response.data[0].b64Json).isEqualTo(PNG_BASE64)
        assertThat(upstream.last().json().getString("prompt")).isEqualTo("a white siamese cat")
    }

    @Test
    fun `embeddings create sends the texts the DSL built and returns the vectors`(): Unit = runBlocking {
        val response = client.embeddings.create(callOptions { header("x-trace", "emb") }) {
            model = "text-embedding-3-small"
            input("The food was delicious", "and the waiter...")
            dimensions = 4
        }

        assertThat(response.data.map { it.vector()[3] }).containsExactly(0.015625f, 1.0f)
        assertThat(upstream.last().json()).isEqualTo(
            JsonObject().put("model", "text-embedding-3-small")
                .put("input", JsonArray().add("The food was delicious").add("and the waiter...")).put("dimensions", 4),
        )
        assertThat(upstream.last().headers()["x-trace"]).isEqualTo("emb")
    }

    @Test
    fun `listModels names each model of the providers with its provider`(): Unit = runBlocking {
        val models = client.listModels()

        assertThat(models.map { it.id }).startsWith("gpt-4o-mini").contains("dall-e-3")
        assertThat(models.map { it.ownedBy }).containsOnly("OpenAI")
    }

    @Test
    fun `on a Vertx context the calls resume there and leave the event loop free`() {
        upstream.on(HttpMethod.POST, "/v1/chat/completions") { request ->
            vertx.setTimer(300) { upstream.answerOpenAiChat(request) }
        }
        val context = vertx.orCreateContext
        runBlocking {
            withContext(context.dispatcher()) {
                var ticks = 0
                val ticker = launch {
                    while (true) {
                        delay(10)
                        ticks++
                    }
                }
                val response = client.chat.completions.create { user("say this is a test") }
                assertThat(Vertx.currentContext()).isSameAs(context)
                val chunks = client.chat.completions.stream { user("say this is a test") }.toList()
                assertThat(Vertx.currentContext()).isSameAs(context)
                ticker.cancel()

                assertThat(response.choices[0].message?.content).isEqualTo("This is a test.")
                assertThat(chunks).hasSize(6)
                assertThat(ticks).`as`("ticks of a coroutine sharing the event loop while the calls waited").isGreaterThan(3)
            }
        }
    }

    @Test
    fun `on Dispatchers Default the calls resume off the event loop`(): Unit = runBlocking {
        withTimeout(30_000) {
            withContext(Dispatchers.Default) {
                val response = client.chat.completions.create { user("say this is a test") }
                assertThat(Context.isOnEventLoopThread()).isFalse()
                val chunks = client.chat.completions.stream { user("say this is a test") }.toList()
                assertThat(Context.isOnEventLoopThread()).isFalse()

                assertThat(response.choices[0].message?.content).isEqualTo("This is a test.")
                assertThat(chunks).hasSize(6)
            }
        }
    }

    @Test
    fun `in a coroutine without a dispatcher, as suspend fun main runs, code after a call is off the event loop`() {
        val threads = java.util.concurrent.CopyOnWriteArrayList<String>()
        val done = java.util.concurrent.CompletableFuture<Unit>()
        val main: suspend () -> Unit = {
            client.chat.completions.create { user("say this is a test") }
            threads += Thread.currentThread().name
            client.chat.completions.stream { user("say this is a test") }.collect { threads += Thread.currentThread().name }
            threads += Thread.currentThread().name
            client.images.generate { prompt = "a white siamese cat" }
            threads += Thread.currentThread().name
            client.listModels()
            threads += Thread.currentThread().name
        }

        main.startCoroutine(Continuation(EmptyCoroutineContext) { outcome ->
            outcome.fold({ done.complete(Unit) }, { done.completeExceptionally(it) })
        })

        done.get(30, java.util.concurrent.TimeUnit.SECONDS)
        assertThat(threads).hasSize(10).noneMatch { it.startsWith("vert.x-eventloop") }
    }

    private companion object {
        const val PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    }
}
