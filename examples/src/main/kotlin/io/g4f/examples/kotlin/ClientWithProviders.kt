@file:JvmName("ClientWithProviders")

package io.g4f.examples.kotlin

import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.create
import io.g4f.kotlin.withAsyncClient

/** The seed's "Initializing the Client": a client with a chat provider and an image provider. */
suspend fun main() {
    val options = environmentOptions()
        .setProvider("OpenaiChat")
        .setImageProvider("Gemini")
    withAsyncClient(options) { client ->
        val response = client.chat.completions.create {
            model = chatModel("gpt-4o-mini")
            user("say this is a test")
        }
        println(response.choices[0].message?.content)
    }
}
