@file:JvmName("ToolkitProvider")

package io.g4f.examples.kotlin

import io.g4f.client.ClientOptions
import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.create
import io.g4f.kotlin.stream
import io.g4f.kotlin.withAsyncClient

/**
 * The toolkit provider of the Java examples, Quill (`io.g4f.examples.QuillProvider`), from Kotlin: found by its
 * name with `ServiceLoader`, asked for a whole answer, then a streamed one. The server is the first argument or
 * `QUILL_BASE_URL`; the key, if any, is `QUILL_API_KEY`.
 */
suspend fun main(args: Array<String>) {
    val options = ClientOptions()
        .setProvider("Quill")
        .setBaseUrl(args.firstOrNull() ?: System.getenv("QUILL_BASE_URL"))
    withAsyncClient(options) { client ->
        val whole = client.chat.completions.create { user("say this is a test") }
        println("${whole.choices[0].message?.content} (${whole.provider})")
        client.chat.completions.stream { user("say this is a test") }.collect { chunk ->
            chunk.choices.firstOrNull()?.delta?.content?.let { content ->
                print(content)
                System.out.flush()
            }
        }
        println()
    }
}
