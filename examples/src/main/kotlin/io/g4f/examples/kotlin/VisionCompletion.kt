@file:JvmName("VisionCompletion")

package io.g4f.examples.kotlin

import io.g4f.client.chat.ImageInput
import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.create
import io.g4f.kotlin.withAsyncClient
import java.nio.file.Path

/**
 * The seed's "Using a Vision Model": an image file given as the first argument, or the bundled
 * `cat.jpeg` read as a stream (the seed's `requests.get(...).raw`).
 */
suspend fun main(args: Array<String>) {
    val image = args.firstOrNull()?.let { ImageInput.of(Path.of(it)) }
        ?: ImageInput.of(ClassLoader.getSystemResourceAsStream("cat.jpeg"))
    withAsyncClient(environmentOptions()) { client ->
        val response = client.chat.completions.create {
            model = chatModel("gpt-4o")
            user("What are on this image?")
            image(image)
        }
        println(response.choices[0].message?.content)
    }
}
