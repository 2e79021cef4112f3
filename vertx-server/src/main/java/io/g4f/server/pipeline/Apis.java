package io.g4f.server.pipeline;

/**
 * The APIs the gateway serves, one instance each, shared by every front and event loop (an {@link Api} keeps no
 * call's state): chat completions, OpenAI's Responses and Anthropic's Messages through chat, embeddings, image
 * generations, and the model listing.
 */
public record Apis(Api<?, ?, ?> chat, Api<?, ?, ?> responses, Api<?, ?, ?> messages, Api<?, ?, ?> embeddings,
            Api<?, ?, ?> images, Api<?, ?, ?> models) {
}
