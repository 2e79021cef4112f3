@file:JvmName("ChatAndImageTogether")

package io.g4f.examples.kotlin

import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.create
import io.g4f.kotlin.generate
import io.g4f.kotlin.images
import io.g4f.kotlin.withAsyncClient
import kotlinx.coroutines.async

/**
 * The seed's "Example usage with asyncio.gather": a chat and an image started at once. Both run in
 * this scope, so if one fails the other is cancelled (its request closed) and the failure is thrown.
 */
suspend fun main() = withAsyncClient(environmentOptions()) { client ->
    val chat = async {
        client.chat.completions.create {
            model = chatModel("gpt-3.5-turbo")
            user("Say this is a test")
        }
    }
    val image = async {
        client.images.generate {
            model = imageModel("dall-e-3")
            prompt = "a white siamese cat"
        }
    }
    val chatResponse = chat.await()
    val imageResponse = image.await()

    println("Chat Response:")
    println(chatResponse.choices[0].message?.content)

    println("\nImage Response:")
    println(imageResponse.data[0].url)
}
