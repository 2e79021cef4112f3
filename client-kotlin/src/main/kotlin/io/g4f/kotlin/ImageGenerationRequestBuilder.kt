package io.g4f.kotlin

import io.g4f.client.images.ImageGenerationRequest

/**
 * Builds an [ImageGenerationRequest]: the Java request, with the same fields and the same JSON, set
 * the Kotlin way. A property left unset is left out of the request.
 *
 * ```
 * imageGenerationRequest {
 *     model = "dall-e-3"
 *     prompt = "a white siamese cat"
 *     responseFormat = ImageGenerationRequest.B64_JSON
 * }
 * ```
 */
class ImageGenerationRequestBuilder internal constructor() :
    RequestBuilder<ImageGenerationRequest>(ImageGenerationRequest()) {

    /** What to draw. Required. */
    var prompt: String?
        get() = request.prompt
        set(value) {
            request.setPrompt(value)
        }

    /** The model; null lets the provider pick its default. */
    var model: String?
        get() = request.model
        set(value) {
            request.setModel(value)
        }

    /** How many images. */
    var n: Int?
        get() = request.n
        set(value) {
            request.setN(value)
        }

    /** Size such as `1024x1024`. */
    var size: String?
        get() = request.size
        set(value) {
            request.setSize(value)
        }

    /** Quality, e.g. `standard` or `hd`. */
    var quality: String?
        get() = request.quality
        set(value) {
            request.setQuality(value)
        }

    /** Style, e.g. `vivid` or `natural`. */
    var style: String?
        get() = request.style
        set(value) {
            request.setStyle(value)
        }

    /** [ImageGenerationRequest.URL] (the default) or [ImageGenerationRequest.B64_JSON]. */
    var responseFormat: String?
        get() = request.responseFormat
        set(value) {
            request.setResponseFormat(value)
        }

    /** An end-user identifier passed to the provider: the wire's `user` field. */
    var endUser: String?
        get() = request.user
        set(value) {
            request.setUser(value)
        }
}

/** An [ImageGenerationRequest] built by [block]. */
fun imageGenerationRequest(block: ImageGenerationRequestBuilder.() -> Unit): ImageGenerationRequest =
    ImageGenerationRequestBuilder().apply(block).build()
