@file:JvmName("ToolRoundTrip")

package io.g4f.examples.kotlin

import io.g4f.client.typed.TypedTool
import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.create
import io.g4f.kotlin.withAsyncClient

/** One tool round trip by hand: a data class as the tool, its call's arguments parsed, the result sent back. */
suspend fun main() = withAsyncClient(environmentOptions()) { client ->
    val weather = TypedTool.of(GetWeather::class.java)
    val question = "What is the weather in Paris?"
    val asked = client.chat.completions.create {
        model = chatModel("gpt-4o-mini"); user(question); tool(weather.tool())
    }.choices[0].message!!
    val call = asked.toolCalls!![0]
    val answer = client.chat.completions.create {
        model = chatModel("gpt-4o-mini"); user(question); tool(weather.tool())
        message(asked)
        toolResult(call.id, """{"city":"${weather.arguments(call).city}","celsius":21}""")
    }
    println(answer.text())
}
