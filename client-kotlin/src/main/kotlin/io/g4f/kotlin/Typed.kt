package io.g4f.kotlin

import io.g4f.client.DirectCallOptions
import io.g4f.client.chat.ChatCompletion
import io.g4f.client.typed.StructuredOutput
import io.g4f.client.typed.ToolLoop
import io.g4f.client.typed.ToolStep
import io.g4f.client.typed.TypedTool
import io.vertx.core.Future
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.channelFlow
import kotlinx.coroutines.future.future

/**
 * The whole answer to the request built by [block] as a [T] (a data class, say: `create<Person> { ... }`): the
 * request asks for the strict JSON schema of [T] and the answer is read with Jackson's Kotlin module, so defaults
 * and nullable properties work. Throws [io.g4f.client.errors.StructuredOutputException] (with the model's text) on a
 * refusal or an answer that does not parse, and the other [io.g4f.client.errors.G4fException]s as [create] does.
 */
@JvmName("createTyped")
suspend inline fun <reified T : Any> ChatCompletions.create(
    options: DirectCallOptions? = null,
    noinline block: ChatCompletionRequestBuilder.() -> Unit,
): T = create(StructuredOutput.of(T::class.java), options, block)

/** The whole answer to the request built by [block] as [output] reads it; see the reified [create]. */
suspend fun <T : Any> ChatCompletions.create(
    output: StructuredOutput<T>,
    options: DirectCallOptions? = null,
    block: ChatCompletionRequestBuilder.() -> Unit,
): T {
    val request = chatCompletionRequest(block)
    return cancellable(options) { call -> parse(request, output, call) }
}

/**
 * The streamed answer to the request built by [block] as a [T]: each piece of its text goes to [text] as it comes
 * (on the client's event loop: it must not block), and the whole text, parsed, is returned once the stream ends.
 * Fails as the reified [create] does, or as the stream fails.
 */
suspend inline fun <reified T : Any> ChatCompletions.createStreamed(
    options: DirectCallOptions? = null,
    noinline text: (String) -> Unit,
    noinline block: ChatCompletionRequestBuilder.() -> Unit,
): T = createStreamed(StructuredOutput.of(T::class.java), options, text, block)

/** The streamed answer to the request built by [block] as [output] reads it; see the reified [createStreamed]. */
suspend fun <T : Any> ChatCompletions.createStreamed(
    output: StructuredOutput<T>,
    options: DirectCallOptions? = null,
    text: (String) -> Unit,
    block: ChatCompletionRequestBuilder.() -> Unit,
): T {
    val request = chatCompletionRequest(block)
    return cancellable(options) { call -> parseStream(request, output, text, call) }
}

/** Tools with suspend functions, for [runTools] and [toolSteps]: `tools { tool<GetWeather> { args -> ... } }`. */
class Tools @PublishedApi internal constructor() {

    /** The most answers the model may give; see [ToolLoop.setMaxSteps]. */
    var maxSteps: Int = ToolLoop.DEFAULT_MAX_STEPS

    @PublishedApi
    internal val functions = mutableListOf<SuspendTool<*>>()

    /**
     * Adds the tool [A] (a data class: its name, or [name]; its `@JsonClassDescription`, or [description]; its
     * properties as parameters) and the suspend [function] that serves its calls. What the function returns goes
     * to the model: a string as it is, anything else as JSON; what it throws goes as `{"error": "<message>"}`.
     */
    inline fun <reified A : Any> tool(
        name: String? = null,
        description: String? = null,
        noinline function: suspend (A) -> Any?,
    ) {
        val tool = if (name == null) TypedTool.of(A::class.java) else TypedTool.of(name, description, A::class.java)
        functions += SuspendTool(tool, function)
    }

    /** A [ToolLoop] whose functions run in [scope]. */
    internal fun loop(scope: CoroutineScope): ToolLoop {
        val loop = ToolLoop().setMaxSteps(maxSteps)
        functions.forEach { it.addTo(loop, scope) }
        return loop
    }
}

/** A tool and its suspend function. */
@PublishedApi
internal class SuspendTool<A : Any>(private val tool: TypedTool<A>, private val function: suspend (A) -> Any?) {

    fun addTo(loop: ToolLoop, scope: CoroutineScope) {
        loop.add(tool) { args -> Future.fromCompletionStage(scope.future { function(args) }) }
    }
}

/** Tools with their suspend functions, built by [block]. */
fun tools(block: Tools.() -> Unit): Tools = Tools().apply(block)

/**
 * Runs [tools] for the model until it answers the request built by [block] (see [ToolLoop]): the model's final
 * answer. Each step goes to [onStep] once its tools have run, on the client's event loop. The tools' functions run
 * in this coroutine's scope (on [Dispatchers.Default] when it has no dispatcher), the calls of one answer
 * concurrently; cancelling this coroutine cancels them and the model call. Throws
 * [io.g4f.client.typed.ToolLoopException] when the model loops, and the model call's failures.
 */
suspend fun ChatCompletions.runTools(
    tools: Tools,
    options: DirectCallOptions? = null,
    onStep: (ToolStep) -> Unit = {},
    block: ChatCompletionRequestBuilder.() -> Unit,
): ChatCompletion {
    val request = chatCompletionRequest(block)
    return coroutineScope {
        // A failing function fails its call, reported to the model, not this scope.
        val functions = SupervisorJob(coroutineContext[Job])
        val dispatcher = if (currentCoroutineContext()[ContinuationInterceptor] == null) Dispatchers.Default else null
        val scope = CoroutineScope(coroutineContext + functions + (dispatcher ?: EmptyCoroutineContext))
        try {
            cancellable(options) { call -> runTools(request, tools.loop(scope).onStep(onStep), call) }
        } finally {
            functions.cancel()
        }
    }
}

/**
 * The steps of [runTools] as a cold [Flow]: each collection runs the loop once and emits every step as it ends, the
 * final answer last; a loop stopped by [io.g4f.client.typed.ToolLoopException] throws it after the steps run.
 */
fun ChatCompletions.toolSteps(
    tools: Tools,
    options: DirectCallOptions? = null,
    block: ChatCompletionRequestBuilder.() -> Unit,
): Flow<ToolStep> = channelFlow {
    runTools(tools, options, onStep = { step -> trySend(step) }, block)
}.buffer(Channel.UNLIMITED)
