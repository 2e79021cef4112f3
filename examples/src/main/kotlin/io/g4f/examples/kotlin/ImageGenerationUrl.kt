@file:JvmName("ImageGenerationUrl")

package io.g4f.examples.kotlin

import io.g4f.kotlin.generate
import io.g4f.kotlin.images
import io.g4f.kotlin.withAsyncClient

/** The seed's "Image Generation": the image as a URL. */
suspend fun main() = withAsyncClient(environmentOptions()) { client ->
    val response = client.images.generate {
        model = imageModel("dall-e-3")
        prompt = "a white siamese cat"
    }
    val imageUrl = response.data[0].url
    println("Generated image URL: $imageUrl")
}
