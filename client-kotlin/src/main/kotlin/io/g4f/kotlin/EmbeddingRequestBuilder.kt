package io.g4f.kotlin

import io.g4f.client.embeddings.EmbeddingRequest

/**
 * Builds an [EmbeddingRequest]: the Java request, with the same fields and the same JSON, set the Kotlin way.
 * A property left unset is left out of the request.
 *
 * ```
 * embeddingRequest {
 *     model = "text-embedding-3-small"
 *     input("The food was delicious", "and the waiter...")
 * }
 * ```
 */
class EmbeddingRequestBuilder internal constructor() : RequestBuilder<EmbeddingRequest>(EmbeddingRequest()) {

    /** The model. Required. */
    var model: String?
        get() = request.model
        set(value) {
            request.setModel(value)
        }

    /** The number of dimensions each embedding should have; null for the model's own. */
    var dimensions: Int?
        get() = request.dimensions
        set(value) {
            request.setDimensions(value)
        }

    /** [EmbeddingRequest.FLOAT] (the default) or [EmbeddingRequest.BASE64]. */
    var encodingFormat: String?
        get() = request.encodingFormat
        set(value) {
            request.setEncodingFormat(value)
        }

    /** An end-user identifier passed to the provider: the wire's `user` field. */
    var endUser: String?
        get() = request.user
        set(value) {
            request.setUser(value)
        }

    /** The text to embed, or several (one embedding each, in order): `input("a")` sends a string, more a list. */
    fun input(vararg texts: String) {
        if (texts.size == 1) request.setInput(texts[0]) else request.setInput(texts.toList())
    }

    /** The texts to embed, sent as a list. */
    fun input(texts: List<String>) {
        request.setInput(texts)
    }
}

/** An [EmbeddingRequest] built by [block]. */
fun embeddingRequest(block: EmbeddingRequestBuilder.() -> Unit): EmbeddingRequest =
    EmbeddingRequestBuilder().apply(block).build()
