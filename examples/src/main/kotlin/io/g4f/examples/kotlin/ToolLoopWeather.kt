@file:JvmName("ToolLoopWeather")

package io.g4f.examples.kotlin

import io.g4f.kotlin.chat
import io.g4f.kotlin.completions
import io.g4f.kotlin.toolSteps
import io.g4f.kotlin.tools
import io.g4f.kotlin.withAsyncClient

/** The tool loop: the model calls the weather tool (twice at once) until it can answer; each step is printed. */
suspend fun main() = withAsyncClient(environmentOptions()) { client ->
    val tools = tools { tool<GetWeather> { args -> Weather(args.city, 21) } }
    client.chat.completions.toolSteps(tools) {
        model = chatModel("gpt-4o-mini")
        user("What is the weather in Paris and Oslo?")
    }.collect { step ->
        println(if (step.isFinal) step.answer.text() else "step ${step.number}: ${step.results.size} tool call(s)")
    }
}
