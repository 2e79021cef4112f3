package io.g4f.kotlin

import io.g4f.client.Extensible

/** What every request builder has: body fields no builder models, sent as-is. */
@G4fDsl
abstract class RequestBuilder<R : Extensible<R>> internal constructor(protected val request: R) {

    /** Sets a body property the builder does not model, sent as-is. */
    fun extra(name: String, value: Any?) {
        request.putExtra(name, value)
    }

    internal fun build(): R = request
}
