@file:JvmName("TextCompletion")

package io.g4f.examples.kotlin

import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.create
import io.g4f.kotlin.withAsyncClient

/** The seed's "Text Completions". */
suspend fun main() = withAsyncClient(environmentOptions()) { client ->
    val response = client.chat.completions.create {
        model = chatModel("gpt-3.5-turbo")
        user("say this is a test")
    }
    println(response.choices[0].message?.content)
}
