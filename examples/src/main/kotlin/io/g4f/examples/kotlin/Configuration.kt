@file:JvmName("Configuration")

package io.g4f.examples.kotlin

import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.create
import io.g4f.kotlin.withAsyncClient

/**
 * The seed's "Configuration": an API key and a proxy for all outgoing requests. The proxy comes from
 * `G4F_PROXY` (e.g. `http://user:pass@host:3128`), so the example also runs without one.
 */
suspend fun main() {
    val options = environmentOptions()
        .setApiKey(System.getenv("OPENAI_API_KEY") ?: "your_api_key_here")
        .setProxy(System.getenv("G4F_PROXY"))
    withAsyncClient(options) { client ->
        val response = client.chat.completions.create {
            model = chatModel("gpt-4o-mini")
            user("say this is a test")
        }
        println(response.choices[0].message?.content)
    }
}
