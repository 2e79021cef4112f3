package io.g4f.kotlin

import io.g4f.client.chat.ChatCompletionRequest
import io.g4f.client.chat.ChatMessage
import io.g4f.client.chat.ImageInput
import io.g4f.client.chat.Tool
import io.g4f.client.images.ImageGenerationRequest
import io.vertx.core.json.JsonObject
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test

/** The DSL builds the same Java requests, so the same JSON, as the Java builders. */
class RequestDslTest {

    @Test
    fun `a chat request with every field writes the JSON of the Java builder`() {
        val image = ImageInput.ofUrl("https://example.test/cat.jpeg")
        val weather = Tool.function("weather", "Weather in a city", mapOf("type" to "object"))

        val dsl = chatCompletionRequest {
            model = "gpt-4o-mini"
            system("answer briefly")
            user("say this is a test")
            assistant("This is a test.")
            message(ChatMessage("tool", "sunny").setToolCallId("call_1"))
            temperature = 0.5
            topP = 0.9
            maxTokens = 100
            maxCompletionTokens = 200
            stop = listOf("\n\n")
            n = 2
            seed = 42L
            endUser = "user-7"
            tools = listOf(weather)
            toolChoice = "auto"
            responseFormat = mapOf("type" to "json_object")
            image(image)
            extra("logprobs", true)
        }
        val java = ChatCompletionRequest()
            .setModel("gpt-4o-mini")
            .addSystemMessage("answer briefly")
            .addUserMessage("say this is a test")
            .addMessage(ChatMessage.assistant("This is a test."))
            .addMessage(ChatMessage("tool", "sunny").setToolCallId("call_1"))
            .setTemperature(0.5)
            .setTopP(0.9)
            .setMaxTokens(100)
            .setMaxCompletionTokens(200)
            .setStop(listOf("\n\n"))
            .setN(2)
            .setSeed(42L)
            .setUser("user-7")
            .setTools(listOf(weather))
            .setToolChoice("auto")
            .setResponseFormat(mapOf("type" to "json_object"))
            .addImage(image)
            .putExtra("logprobs", true)

        assertThat(JsonObject.mapFrom(dsl)).isEqualTo(JsonObject.mapFrom(java))
        assertThat(JsonObject.mapFrom(dsl).fieldNames()).hasSize(14)
        assertThat(dsl.images).containsExactly(image)
    }

    @Test
    fun `per-call settings build the Java call options`() {
        val options = callOptions {
            provider = "Groq OpenAI"
            apiKey = "k"
            proxy = "socks5://127.0.0.1:1080"
            timeout = 30.seconds
            header("X-Trace", "t1")
        }

        assertThat(options.provider).isEqualTo("Groq OpenAI")
        assertThat(options.apiKey).isEqualTo("k")
        assertThat(options.proxy).isEqualTo("socks5://127.0.0.1:1080")
        assertThat(options.timeout).isEqualTo(java.time.Duration.ofSeconds(30))
        assertThat(options.headers).containsEntry("X-Trace", "t1")
        assertThat(callOptions { timeout = 1500.milliseconds }.timeout).isEqualTo(java.time.Duration.ofMillis(1500))
    }

    @Test
    fun `unset properties stay out of the chat request`() {
        val dsl = chatCompletionRequest { user("hi") }

        assertThat(JsonObject.mapFrom(dsl))
            .isEqualTo(JsonObject.mapFrom(ChatCompletionRequest().addUserMessage("hi")))
            .isEqualTo(JsonObject("""{"messages":[{"role":"user","content":"hi"}]}"""))
    }

    @Test
    fun `an image request with every field writes the JSON of the Java builder`() {
        val dsl = imageGenerationRequest {
            model = "dall-e-3"
            prompt = "a white siamese cat"
            n = 1
            size = "1024x1024"
            quality = "hd"
            style = "natural"
            responseFormat = ImageGenerationRequest.B64_JSON
            endUser = "user-7"
            extra("background", "transparent")
        }
        val java = ImageGenerationRequest.of("dall-e-3", "a white siamese cat")
            .setN(1)
            .setSize("1024x1024")
            .setQuality("hd")
            .setStyle("natural")
            .setResponseFormat(ImageGenerationRequest.B64_JSON)
            .setUser("user-7")
            .putExtra("background", "transparent")

        assertThat(JsonObject.mapFrom(dsl)).isEqualTo(JsonObject.mapFrom(java))
        assertThat(JsonObject.mapFrom(dsl).fieldNames()).hasSize(9)
    }
}
