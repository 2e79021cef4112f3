package io.g4f.kotlin

import io.g4f.client.ClientRequest
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * What every request builder has: the per-call settings of [ClientRequest], which override the
 * client's for this call only and never reach the request body, and body fields no builder models.
 */
@G4fDsl
abstract class RequestBuilder<R : ClientRequest<R>> internal constructor(protected val request: R) {

    /** The provider, or a fallback list such as `"Groq OpenAI"`, for this call; null for the client's. */
    var provider: String?
        get() = request.provider
        set(value) {
            request.setProvider(value)
        }

    /** The key sent to this call's first provider; null for the client's. */
    var apiKey: String?
        get() = request.apiKey
        set(value) {
            request.setApiKey(value)
        }

    /** A proxy URI for this call only (`""` for a direct connection); null for the client's. */
    var proxy: String?
        get() = request.proxy
        set(value) {
            request.setProxy(value)
        }

    /** The total timeout of this call, retries and streaming included; null for the client's. */
    var timeout: Duration?
        get() = request.timeout?.milliseconds
        set(value) {
            request.setTimeout(value?.inWholeMilliseconds)
        }

    /** Adds an HTTP header sent to the provider with this call (replacing the provider's own of that name). */
    fun header(name: String, value: String) {
        request.putHeader(name, value)
    }

    /** Sets a body property the builder does not model, sent as-is. */
    fun extra(name: String, value: Any?) {
        request.putExtra(name, value)
    }

    internal fun build(): R = request
}
