package io.g4f.kotlin

import io.g4f.client.chat.ChatCompletionRequest
import io.g4f.client.chat.ChatMessage
import io.g4f.client.chat.ImageInput
import io.g4f.client.chat.Tool

/** Marks the request builders, so an inner block cannot call an outer builder by mistake. */
@DslMarker
annotation class G4fDsl

/**
 * Builds a [ChatCompletionRequest]: the Java request, with the same fields and the same JSON, set the
 * Kotlin way. Messages are appended in call order; a property left unset is left out of the request.
 *
 * ```
 * chatCompletionRequest {
 *     model = "gpt-4o-mini"
 *     system("answer briefly")
 *     user("say this is a test")
 * }
 * ```
 */
class ChatCompletionRequestBuilder internal constructor() :
    RequestBuilder<ChatCompletionRequest>(ChatCompletionRequest()) {

    /** The model; null lets the provider pick its default. */
    var model: String?
        get() = request.model
        set(value) {
            request.setModel(value)
        }

    /** Sampling temperature, 0 to 2. */
    var temperature: Double?
        get() = request.temperature
        set(value) {
            request.setTemperature(value)
        }

    /** Nucleus sampling mass (`top_p`). */
    var topP: Double?
        get() = request.topP
        set(value) {
            request.setTopP(value)
        }

    /** Upper bound of generated tokens (`max_tokens`). */
    var maxTokens: Int?
        get() = request.maxTokens
        set(value) {
            request.setMaxTokens(value)
        }

    /** Upper bound of generated tokens, reasoning included (`max_completion_tokens`). */
    var maxCompletionTokens: Int?
        get() = request.maxCompletionTokens
        set(value) {
            request.setMaxCompletionTokens(value)
        }

    /** Stop sequences. */
    var stop: List<String>?
        get() = request.stop
        set(value) {
            request.setStop(value)
        }

    /** How many choices to generate. */
    var n: Int?
        get() = request.n
        set(value) {
            request.setN(value)
        }

    /** Seed for best-effort deterministic sampling. */
    var seed: Long?
        get() = request.seed
        set(value) {
            request.setSeed(value)
        }

    /** An end-user identifier passed to the provider: the wire's `user` field (not a message). */
    var endUser: String?
        get() = request.user
        set(value) {
            request.setUser(value)
        }

    /** Tools the model may call. */
    var tools: List<Tool>?
        get() = request.tools
        set(value) {
            request.setTools(value)
        }

    /** `tool_choice`: `"none"`, `"auto"`, `"required"`, or a named-function object as a `Map`. */
    var toolChoice: Any?
        get() = request.toolChoice
        set(value) {
            request.setToolChoice(value)
        }

    /** The `response_format` object, e.g. `mapOf("type" to "json_object")`. */
    var responseFormat: Map<String, Any?>?
        get() = request.responseFormat
        set(value) {
            request.setResponseFormat(value)
        }

    /** Appends a `system` message. */
    fun system(text: String) {
        request.addSystemMessage(text)
    }

    /** Appends a `user` message. */
    fun user(text: String) {
        request.addUserMessage(text)
    }

    /** Appends an `assistant` message (an earlier answer, for a conversation). */
    fun assistant(text: String) {
        request.addMessage(ChatMessage.assistant(text))
    }

    /** Appends any message: tool results, content parts, a name. */
    fun message(message: ChatMessage) {
        request.addMessage(message)
    }

    /** Adds a tool the model may call (`TypedTool.of(GetWeather::class.java).tool()`, say). */
    fun tool(tool: Tool) {
        request.addTool(tool)
    }

    /** The result of the tool call [callId], for the model: a `tool` message. */
    fun toolResult(callId: String?, result: String) {
        request.addMessage(ChatMessage.tool(callId, result))
    }

    /** Attaches an image to the last user message, for a vision model (the seed's `image=`). */
    fun image(image: ImageInput) {
        request.addImage(image)
    }
}

/** A [ChatCompletionRequest] built by [block]. */
fun chatCompletionRequest(block: ChatCompletionRequestBuilder.() -> Unit): ChatCompletionRequest =
    ChatCompletionRequestBuilder().apply(block).build()
