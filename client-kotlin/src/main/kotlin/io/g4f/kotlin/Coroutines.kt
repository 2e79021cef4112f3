package io.g4f.kotlin

import io.g4f.client.AsyncClient
import io.g4f.client.ClientOptions
import io.g4f.client.DirectCallOptions
import io.g4f.client.GenericAsyncClient
import io.g4f.client.Model
import io.g4f.client.chat.ChatCompletion
import io.g4f.client.chat.ChatCompletionChunk
import io.g4f.client.chat.ChatCompletionRequest
import io.g4f.client.chat.ChatCompletionStream
import io.g4f.client.embeddings.EmbeddingsResponse
import io.g4f.client.images.ImagesResponse
import io.g4f.client.spi.ProviderRegistry
import io.vertx.core.Future
import io.vertx.core.Promise
import io.vertx.core.Vertx
import io.vertx.kotlin.coroutines.coAwait
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.flowOn
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext

/** The chat service of the in-process client. */
typealias Chat = GenericAsyncClient.Chat<DirectCallOptions>

/** Chat completions of the in-process client, whole ([create]) or streamed ([stream]). */
typealias ChatCompletions = GenericAsyncClient.ChatCompletions<DirectCallOptions>

/** Image generation of the in-process client. */
typealias Images = GenericAsyncClient.Images<DirectCallOptions>

/** Embeddings of the in-process client. */
typealias Embeddings = GenericAsyncClient.Embeddings<DirectCallOptions>

/** The chat service: `client.chat.completions`. */
val AsyncClient.chat: Chat
    get() = chat()

/** Chat completions, whole ([create]) or streamed ([stream]). */
val Chat.completions: ChatCompletions
    get() = completions()

/** Image generation: `client.images.generate { ... }`. */
val AsyncClient.images: Images
    get() = images()

/**
 * The whole answer to the request built by [block], asked of the provider as a whole answer, with this
 * call's [options] ([callOptions]) or the client's; throws the library's [io.g4f.client.errors.G4fException]
 * subclasses on failure, after the same retries as the Java `create`. Suspends without blocking a thread,
 * from any dispatcher. Cancelling the calling coroutine closes the provider request.
 */
suspend fun ChatCompletions.create(
    options: DirectCallOptions? = null,
    block: ChatCompletionRequestBuilder.() -> Unit,
): ChatCompletion {
    val request = chatCompletionRequest(block)
    return cancellable(options) { call -> create(request, call) }
}

/**
 * The answer to the request built by [block], as a cold [Flow] of chunks: each collection sends the
 * request once and emits its chunks in order. Demand follows the collector, one chunk at a time, so
 * a slow collector keeps the provider's socket unread; cancelling the collecting coroutine, or
 * stopping early (`first()`, `take(n)`, an exception), closes the provider request. Failures are
 * thrown as [io.g4f.client.errors.G4fException] subclasses, from any dispatcher.
 */
fun ChatCompletions.stream(
    options: DirectCallOptions? = null,
    block: ChatCompletionRequestBuilder.() -> Unit,
): Flow<ChatCompletionChunk> {
    val request = chatCompletionRequest(block)
    val chunks = flow { emitAll(open(request, options).chunks()) }
    return flow {
        if (currentCoroutineContext()[ContinuationInterceptor] == null) {
            // No dispatcher (suspend fun main): collect on Dispatchers.Default, never on the event loop, one chunk at a time.
            emitAll(chunks.flowOn(Dispatchers.Default).buffer(Channel.RENDEZVOUS))
        } else {
            emitAll(chunks)
        }
    }
}

/**
 * The images for the request built by [block], in its `response_format`, with this call's [options] or the
 * client's; throws [io.g4f.client.errors.G4fException] subclasses on failure. Cancelling the calling coroutine
 * closes the provider request.
 */
suspend fun Images.generate(
    options: DirectCallOptions? = null,
    block: ImageGenerationRequestBuilder.() -> Unit,
): ImagesResponse {
    val request = imageGenerationRequest(block)
    return cancellable(options) { call -> generate(request, call) }
}

/** Embeddings: `client.embeddings.create { ... }`. */
val AsyncClient.embeddings: Embeddings
    get() = embeddings()

/**
 * The embeddings of the input of the request built by [block], one per input in order, in its `encodingFormat`,
 * with this call's [options] or the client's; throws [io.g4f.client.errors.G4fException] subclasses on failure.
 * Cancelling the calling coroutine closes the provider request.
 */
suspend fun Embeddings.create(
    options: DirectCallOptions? = null,
    block: EmbeddingRequestBuilder.() -> Unit,
): EmbeddingsResponse {
    val request = embeddingRequest(block)
    return cancellable(options) { call -> create(request, call) }
}

/**
 * Awaits the call [start] makes with a copy of [options] whose cancellation completes when this coroutine is
 * cancelled, so that the provider request is closed.
 */
internal suspend fun <T> cancellable(options: DirectCallOptions?, start: (DirectCallOptions) -> Future<T>): T {
    val left = Promise.promise<Void>()
    val call = (if (options == null) DirectCallOptions() else DirectCallOptions(options)).setCancellation(left.future())
    return onCallersDispatcher {
        try {
            start(call).coAwait()
        } catch (cancelled: CancellationException) {
            left.tryComplete()
            throw cancelled
        }
    }
}

/**
 * Runs [block] where the caller resumes: in place when its coroutine has a dispatcher (a Vert.x context's
 * included), else (`suspend fun main`, whose coroutine has none) on [Dispatchers.Default], so that code after
 * a call never runs on a Vert.x event loop, where blocking would stall the client.
 */
internal suspend fun <T> onCallersDispatcher(block: suspend () -> T): T =
    if (currentCoroutineContext()[ContinuationInterceptor] == null) withContext(Dispatchers.Default) { block() } else block()

/** Every model the client's providers serve, each once, with its provider as `ownedBy`; see [AsyncClient.Models.list]. */
suspend fun AsyncClient.listModels(): List<Model> = onCallersDispatcher { models().list().coAwait() }

/**
 * Runs [block] with a client on a Vert.x instance of its own, then closes both, also when [block]
 * fails or is cancelled: a script's whole life, like the seed's `AsyncClient(...)` under
 * `asyncio.run`. Code that already has a [Vertx] uses [AsyncClient.create] instead.
 */
suspend fun <T> withAsyncClient(
    options: ClientOptions = ClientOptions(),
    registry: ProviderRegistry = ProviderRegistry.standard(),
    block: suspend CoroutineScope.(AsyncClient) -> T,
): T {
    val vertx = Vertx.vertx()
    try {
        val client = AsyncClient.create(vertx, options, registry)
        return coroutineScope { block(client) }
    } finally {
        withContext(NonCancellable) { vertx.close().coAwait() }
    }
}

/** Opens the stream; one that arrives after this coroutine was cancelled is cancelled at once. */
private suspend fun ChatCompletions.open(request: ChatCompletionRequest, options: DirectCallOptions?): ChatCompletionStream =
    suspendCancellableCoroutine { continuation ->
        stream(request, options).onComplete { outcome ->
            if (outcome.succeeded()) {
                continuation.resume(outcome.result()) { _, stream, _ -> stream.cancel() }
            } else {
                continuation.resumeWithException(outcome.cause())
            }
        }
    }

/**
 * The chunks of this stream, for one collection: one chunk is fetched per emission, and the stream
 * is cancelled when the collection stops before its end.
 */
private fun ChatCompletionStream.chunks(): Flow<ChatCompletionChunk> = flow {
    // Demand is one chunk at a time, so one slot is all a stream that honours fetch() can fill.
    val arrived = Channel<ChatCompletionChunk>(capacity = 1)
    pause()
    exceptionHandler { error -> arrived.close(error) }
    endHandler { arrived.close() }
    handler { chunk ->
        if (arrived.trySend(chunk).isFailure) {
            arrived.close(IllegalStateException("the stream delivered a chunk that was not fetched"))
        }
    }
    try {
        fetch(1)
        for (chunk in arrived) {
            emit(chunk)
            fetch(1)
        }
    } finally {
        cancel() // a no-op once the stream ended; closes the request when the collection stopped early
    }
}
