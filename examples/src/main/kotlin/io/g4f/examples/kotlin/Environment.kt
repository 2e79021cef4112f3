package io.g4f.examples.kotlin

import io.g4f.client.ClientOptions

/*
 * What every Kotlin example reads from the environment, as the Java ones do: the OpenAI-compatible
 * server (OPENAI_BASE_URL, OPENAI_API_KEY), where images go (G4F_IMAGES_DIR) and model overrides
 * (G4F_MODEL, G4F_IMAGE_MODEL).
 */

/** Options for the OpenAI-compatible server named by the environment. */
internal fun environmentOptions(): ClientOptions {
    val options = ClientOptions()
        .setBaseUrl(System.getenv("OPENAI_BASE_URL"))
        .setApiKey(System.getenv("OPENAI_API_KEY"))
    return System.getenv("G4F_IMAGES_DIR")?.let(options::setImagesDir) ?: options
}

/** `G4F_MODEL`, or the model the seed uses. */
internal fun chatModel(seedModel: String): String = System.getenv("G4F_MODEL") ?: seedModel

/** `G4F_IMAGE_MODEL`, or the image model the seed uses. */
internal fun imageModel(seedModel: String): String = System.getenv("G4F_IMAGE_MODEL") ?: seedModel
