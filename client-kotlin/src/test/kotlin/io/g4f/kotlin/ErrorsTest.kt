package io.g4f.kotlin

import io.g4f.client.AsyncClient
import io.g4f.client.ClientOptions
import io.g4f.client.errors.AuthenticationException
import io.g4f.client.errors.G4fException
import io.g4f.client.errors.InvalidRequestException
import io.g4f.client.errors.ProviderException
import io.g4f.client.testing.ScriptedServer
import io.g4f.client.testing.ScriptedServer.await
import io.vertx.core.Vertx
import io.vertx.core.http.HttpMethod
import io.vertx.junit5.VertxExtension
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.runBlocking
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith

/** Failures reach Kotlin code as the library's exception types, with their status and message. */
@ExtendWith(VertxExtension::class)
class ErrorsTest {

    private lateinit var upstream: ScriptedServer
    private lateinit var client: AsyncClient

    @BeforeEach
    fun setUp(vertx: Vertx) {
        upstream = ScriptedServer.start(vertx)
        client = AsyncClient.create(vertx, ClientOptions().setBaseUrl(upstream.baseUrl()).setApiKey("wrong-key").setMaxRetries(0))
    }

    @AfterEach
    fun tearDown() {
        await(client.close())
        upstream.close()
    }

    @Test
    fun `create throws an AuthenticationException for a 401`() {
        upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json", INVALID_KEY)

        assertThatThrownBy { runBlocking { client.chat.completions.create { user("hi") } } }
            .isInstanceOf(AuthenticationException::class.java)
            .hasMessage("OpenAI answered HTTP 401: Invalid key")
            .extracting { (it as G4fException).status() }.isEqualTo(401)
    }

    @Test
    fun `collecting a stream throws an AuthenticationException for a 401`() {
        upstream.reply(HttpMethod.POST, "/v1/chat/completions", 401, "application/json", INVALID_KEY)

        assertThatThrownBy { runBlocking { client.chat.completions.stream { user("hi") }.collect() } }
            .isInstanceOf(AuthenticationException::class.java)
    }

    @Test
    fun `an error mid-stream is thrown after the chunks before it`(): Unit = runBlocking {
        upstream.sse(
            "/v1/chat/completions",
            "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n" +
                "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n",
        )
        val text = StringBuilder()
        var failure: Throwable? = null

        client.chat.completions.stream { user("hi") }
            .onEach { text.append(it.choices[0].delta.content) }
            .catch { failure = it }
            .collect()

        assertThat(text).hasToString("Hi")
        assertThat(failure).isInstanceOf(ProviderException::class.java)
            .hasMessage("OpenAI failed mid-stream: The server had an error")
    }

    @Test
    fun `generate throws an InvalidRequestException for a request it refuses`() {
        assertThatThrownBy { runBlocking { client.images.generate { prompt = "" } } }
            .isInstanceOf(InvalidRequestException::class.java)
            .hasMessage("prompt must not be empty")
        assertThat(upstream.received()).isEmpty()
    }

    @Test
    fun `generate throws an AuthenticationException for a 401`() {
        upstream.reply(HttpMethod.POST, "/v1/images/generations", 401, "application/json", INVALID_KEY)

        assertThatThrownBy { runBlocking { client.images.generate { prompt = "a white siamese cat" } } }
            .isInstanceOf(AuthenticationException::class.java)
    }

    private companion object {
        const val INVALID_KEY = """{"error":{"message":"Invalid key","type":"invalid_request_error"}}"""
    }
}
