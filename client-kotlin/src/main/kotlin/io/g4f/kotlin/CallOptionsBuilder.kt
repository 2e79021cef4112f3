package io.g4f.kotlin

import io.g4f.client.DirectCallOptions
import kotlin.time.Duration
import kotlin.time.toJavaDuration

/**
 * The settings of one call, passed beside the request (`create(callOptions { timeout = 30.seconds }) { ... }`):
 * they override the client's for this call only and never reach the request body.
 */
@G4fDsl
class CallOptionsBuilder internal constructor() {

    private val options = DirectCallOptions()

    /** The provider, or a fallback list such as `"Groq OpenAI"`, for this call; null for the client's. */
    var provider: String? = null

    /** The key sent to this call's first provider; null for the client's. */
    var apiKey: String? = null

    /** A proxy URI for this call only (`""` for a direct connection); null for the client's. */
    var proxy: String? = null

    /** The total timeout of this call, retries and streaming included; null for the client's. */
    var timeout: Duration? = null

    /** Adds an HTTP header sent to the provider with this call (replacing the provider's own of that name). */
    fun header(name: String, value: String) {
        options.putHeader(name, value)
    }

    internal fun build(): DirectCallOptions =
        options.setProvider(provider).setApiKey(apiKey).setProxy(proxy).setTimeout(timeout?.toJavaDuration())
}

/** The per-call settings built by [block], for [create] (chat and embeddings), [stream] and [generate]. */
fun callOptions(block: CallOptionsBuilder.() -> Unit): DirectCallOptions = CallOptionsBuilder().apply(block).build()
