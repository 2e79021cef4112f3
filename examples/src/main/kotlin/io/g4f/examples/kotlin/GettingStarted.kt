@file:JvmName("GettingStarted")

package io.g4f.examples.kotlin

import io.g4f.client.ClientOptions
import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.create
import io.g4f.kotlin.stream
import io.g4f.kotlin.withAsyncClient

// Any OpenAI-compatible server: OPENAI_BASE_URL (unset: api.openai.com) with OPENAI_API_KEY.
suspend fun main() = withAsyncClient(ClientOptions().setBaseUrl(System.getenv("OPENAI_BASE_URL"))) { client ->
    val completion = client.chat.completions.create {
        model = "gpt-4o-mini"
        user("say this is a test")
    }
    println(completion.text())
    client.chat.completions.stream {
        model = "gpt-4o-mini"
        user("say this is a test")
    }.collect { chunk -> print(chunk.text()) }
    println()
}
