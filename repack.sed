# repack.sed: the client's public types moved out of the root package io.g4f.client (issue 24, client part).
# Apply to Java, Kotlin and Markdown files that name them:  sed -i -f repack.sed FILE...   (GNU sed)
# Idempotent: a name already moved is not matched again.
#
# Not covered by a substitution (do it by hand, see the notes at the end):
#   - files in the package io.g4f.client itself (and tests in it), which used these types without an import;
#   - uses of io.g4f.client.spi.toolkit.SseParser.Event for the Messages API stream.
s/\bio\.g4f\.client\.ChatCompletion\b/io.g4f.client.chat.ChatCompletion/g
s/\bio\.g4f\.client\.ChatCompletionChunk\b/io.g4f.client.chat.ChatCompletionChunk/g
s/\bio\.g4f\.client\.ChatCompletionChunks\b/io.g4f.client.chat.ChatCompletionChunks/g
s/\bio\.g4f\.client\.ChatCompletionRequest\b/io.g4f.client.chat.ChatCompletionRequest/g
s/\bio\.g4f\.client\.ChatCompletionStream\b/io.g4f.client.chat.ChatCompletionStream/g
s/\bio\.g4f\.client\.ChatMessage\b/io.g4f.client.chat.ChatMessage/g
s/\bio\.g4f\.client\.ContentPart\b/io.g4f.client.chat.ContentPart/g
s/\bio\.g4f\.client\.Tool\b/io.g4f.client.chat.Tool/g
s/\bio\.g4f\.client\.ToolCall\b/io.g4f.client.chat.ToolCall/g
s/\bio\.g4f\.client\.CompletionHeader\b/io.g4f.client.chat.CompletionHeader/g
s/\bio\.g4f\.client\.ImageInput\b/io.g4f.client.chat.ImageInput/g
s/\bio\.g4f\.client\.ImageGenerationRequest\b/io.g4f.client.images.ImageGenerationRequest/g
s/\bio\.g4f\.client\.ImagesResponse\b/io.g4f.client.images.ImagesResponse/g
s/\bio\.g4f\.client\.EmbeddingRequest\b/io.g4f.client.embeddings.EmbeddingRequest/g
s/\bio\.g4f\.client\.EmbeddingsResponse\b/io.g4f.client.embeddings.EmbeddingsResponse/g
s/\bio\.g4f\.client\.AllProvidersFailedException\b/io.g4f.client.errors.AllProvidersFailedException/g
s/\bio\.g4f\.client\.AuthenticationException\b/io.g4f.client.errors.AuthenticationException/g
s/\bio\.g4f\.client\.ConnectionException\b/io.g4f.client.errors.ConnectionException/g
s/\bio\.g4f\.client\.ContentFilterException\b/io.g4f.client.errors.ContentFilterException/g
s/\bio\.g4f\.client\.ErrorDetails\b/io.g4f.client.errors.ErrorDetails/g
s/\bio\.g4f\.client\.G4fException\b/io.g4f.client.errors.G4fException/g
s/\bio\.g4f\.client\.InvalidRequestException\b/io.g4f.client.errors.InvalidRequestException/g
s/\bio\.g4f\.client\.ModelNotFoundException\b/io.g4f.client.errors.ModelNotFoundException/g
s/\bio\.g4f\.client\.ProviderException\b/io.g4f.client.errors.ProviderException/g
s/\bio\.g4f\.client\.ProviderNotFoundException\b/io.g4f.client.errors.ProviderNotFoundException/g
s/\bio\.g4f\.client\.RateLimitException\b/io.g4f.client.errors.RateLimitException/g
s/\bio\.g4f\.client\.RequestTimeoutException\b/io.g4f.client.errors.RequestTimeoutException/g
#
# Note, SseParser.Event: AsyncClient.messages().stream(...) now yields io.g4f.client.messages.MessageStreamEvent
# (a record: event(), data()) instead of io.g4f.client.spi.toolkit.SseParser.Event. SseParser.Event itself stays
# (the toolkit's SSE parser, ProviderContext.events and Provider.streamMessages still use it), so no blind
# substitution is possible. In a file that only handles the events of messages().stream(), such as
# vertx-server's MessagesPassthrough.java, these two do it (uncomment, or run them with sed -e on that file):
# s/^import io\.g4f\.client\.spi\.toolkit\.SseParser;$/import io.g4f.client.messages.MessageStreamEvent;/
# s/\bSseParser\.Event\b/MessageStreamEvent/g
