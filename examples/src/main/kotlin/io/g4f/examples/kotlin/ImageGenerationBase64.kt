@file:JvmName("ImageGenerationBase64")

package io.g4f.examples.kotlin

import io.g4f.client.images.ImageGenerationRequest
import io.g4f.kotlin.generate
import io.g4f.kotlin.images
import io.g4f.kotlin.withAsyncClient

/** The seed's "Base64 as the response format". */
suspend fun main() = withAsyncClient(environmentOptions()) { client ->
    val response = client.images.generate {
        model = imageModel("dall-e-3")
        prompt = "a white siamese cat"
        responseFormat = ImageGenerationRequest.B64_JSON
    }
    val base64Text = response.data[0].b64Json
    println(base64Text)
}
