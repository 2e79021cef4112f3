@file:JvmName("TypedAnswer")

package io.g4f.examples.kotlin

import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.create
import io.g4f.kotlin.withAsyncClient

/** Typed output: the answer as a data class, its JSON schema derived from the class. */
suspend fun main() = withAsyncClient(environmentOptions()) { client ->
    val person = client.chat.completions.create<Person> {
        model = chatModel("gpt-4o-mini")
        user("Invent a person")
    }
    println("${person.name}, ${person.age}, ${person.email}")
}
