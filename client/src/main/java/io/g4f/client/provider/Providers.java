package io.g4f.client.provider;

import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The built-in providers, as g4f users name them ({@code provider=OpenaiChat} becomes
 * {@code setProvider("OpenaiChat")} or {@code Providers.OPENAI}). Each OpenAI-compatible preset is
 * its documented base URL, key variable and a few of its models; any other OpenAI-compatible server
 * is {@code new OpenAiProvider(name, baseUrl, models, keyVariable, capabilities)}.
 */
public final class Providers {

  private static final Set<Capability> HOSTED_CHAT = EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS);
  private static final Set<Capability> LOCAL_CHAT = EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS,
      Capability.VISION, Capability.EMBEDDINGS);

  /** OpenAI: chat, vision, tools, images and embeddings; key in {@code OPENAI_API_KEY}. */
  public static final OpenAiProvider OPENAI = new OpenAiProvider("OpenAI", "https://api.openai.com/v1",
      List.of("gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o4-mini", "dall-e-3", "gpt-image-1",
          "text-embedding-3-small", "text-embedding-3-large"),
      "OPENAI_API_KEY", EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.VISION, Capability.IMAGES,
          Capability.TOOLS, Capability.EMBEDDINGS));
  /** Azure OpenAI: deployments at {@code AZURE_OPENAI_ENDPOINT}; key in {@code AZURE_OPENAI_API_KEY}. */
  public static final AzureOpenAiProvider AZURE = new AzureOpenAiProvider();
  /** Groq; key in {@code GROQ_API_KEY}. */
  public static final OpenAiProvider GROQ = new OpenAiProvider("Groq", "https://api.groq.com/openai/v1",
      List.of("llama-3.3-70b-versatile", "llama-3.1-8b-instant"), "GROQ_API_KEY", HOSTED_CHAT);
  /** OpenRouter; key in {@code OPENROUTER_API_KEY}. */
  public static final OpenAiProvider OPENROUTER = new OpenAiProvider("OpenRouter", "https://openrouter.ai/api/v1",
      List.of("openai/gpt-4o-mini", "anthropic/claude-3.5-sonnet"), "OPENROUTER_API_KEY",
      EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.VISION));
  /** Together AI, chat, images and embeddings; key in {@code TOGETHER_API_KEY}. */
  public static final OpenAiProvider TOGETHER = new OpenAiProvider("Together", "https://api.together.xyz/v1",
      List.of("meta-llama/Llama-3.3-70B-Instruct-Turbo", "black-forest-labs/FLUX.1-schnell"), "TOGETHER_API_KEY",
      EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.IMAGES, Capability.EMBEDDINGS));
  /** DeepInfra; key in {@code DEEPINFRA_API_KEY}. */
  public static final OpenAiProvider DEEPINFRA = new OpenAiProvider("DeepInfra", "https://api.deepinfra.com/v1/openai",
      List.of("meta-llama/Meta-Llama-3.1-8B-Instruct"), "DEEPINFRA_API_KEY", HOSTED_CHAT);
  /** Mistral, chat and embeddings ({@code mistral-embed}); key in {@code MISTRAL_API_KEY}. */
  public static final OpenAiProvider MISTRAL = new OpenAiProvider("Mistral", "https://api.mistral.ai/v1",
      List.of("mistral-small-latest", "mistral-large-latest", "mistral-embed"), "MISTRAL_API_KEY",
      EnumSet.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.EMBEDDINGS));
  /** DeepSeek; key in {@code DEEPSEEK_API_KEY}. */
  public static final OpenAiProvider DEEPSEEK = new OpenAiProvider("DeepSeek", "https://api.deepseek.com/v1",
      List.of("deepseek-chat", "deepseek-reasoner"), "DEEPSEEK_API_KEY", HOSTED_CHAT);
  /** xAI; key in {@code XAI_API_KEY}. */
  public static final OpenAiProvider XAI = new OpenAiProvider("xAI", "https://api.x.ai/v1",
      List.of("grok-3-mini", "grok-3"), "XAI_API_KEY", HOSTED_CHAT);
  /** A local Ollama through its OpenAI-compatible {@code /v1}; no key. */
  public static final OpenAiProvider OLLAMA = new OpenAiProvider("Ollama", "http://127.0.0.1:11434/v1",
      List.of("llama3.2"), null, LOCAL_CHAT);
  /** A local vLLM server; no key (name the served model). */
  public static final OpenAiProvider VLLM = new OpenAiProvider("vLLM", "http://127.0.0.1:8000/v1",
      List.of("default"), null, LOCAL_CHAT);
  /** A local llama.cpp server; no key. */
  public static final OpenAiProvider LLAMA_CPP = new OpenAiProvider("LlamaCpp", "http://127.0.0.1:8080/v1",
      List.of("default"), null, LOCAL_CHAT);
  /** A local LM Studio server; no key. */
  public static final OpenAiProvider LM_STUDIO = new OpenAiProvider("LMStudio", "http://127.0.0.1:1234/v1",
      List.of("default"), null, LOCAL_CHAT);

  /** Anthropic's Messages API (Claude): chat, vision, tools; key in {@code ANTHROPIC_API_KEY}. */
  public static final AnthropicProvider ANTHROPIC = new AnthropicProvider();
  /** A local Ollama through its native {@code /api/chat} (NDJSON); no key. */
  public static final OllamaProvider OLLAMA_NATIVE = new OllamaProvider();
  /**
   * Google Gemini: chat, vision, tools, images (Imagen and Gemini image models) and embeddings; key in
   * {@code GEMINI_API_KEY}.
   */
  public static final GeminiProvider GEMINI = new GeminiProvider();
  /** Pollinations: keyless text and images. */
  public static final PollinationsProvider POLLINATIONS = new PollinationsProvider();

  private Providers() {
  }

  /** Every built-in provider. */
  public static List<Provider> builtIn() {
    return List.of(OPENAI, GROQ, OPENROUTER, TOGETHER, DEEPINFRA, MISTRAL, DEEPSEEK, XAI, AZURE, OLLAMA, VLLM,
        LLAMA_CPP, LM_STUDIO, ANTHROPIC, GEMINI, OLLAMA_NATIVE, POLLINATIONS);
  }
}
