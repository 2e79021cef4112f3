@file:JvmName("StreamingCompletion")

package io.g4f.examples.kotlin

import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.stream
import io.g4f.kotlin.withAsyncClient

/** The seed's "Streaming Completions": each delta printed as it arrives. */
suspend fun main() = withAsyncClient(environmentOptions()) { client ->
    val stream = client.chat.completions.stream {
        model = chatModel("gpt-4")
        user("say this is a test")
    }
    stream.collect { chunk ->
        chunk.choices.firstOrNull()?.delta?.content?.let { content ->
            print(content)
            System.out.flush()
        }
    }
    println()
}
