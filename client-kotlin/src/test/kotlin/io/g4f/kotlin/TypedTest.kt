package io.g4f.kotlin

import com.fasterxml.jackson.annotation.JsonClassDescription
import com.fasterxml.jackson.annotation.JsonPropertyDescription
import io.g4f.client.AsyncClient
import io.g4f.client.ClientOptions
import io.g4f.client.errors.StructuredOutputException
import io.g4f.client.testing.ScriptedServer
import io.g4f.client.testing.ScriptedServer.await
import io.g4f.client.typed.JsonSchemas
import io.g4f.client.typed.ToolLoopException
import io.vertx.core.Vertx
import io.vertx.core.http.HttpMethod
import io.vertx.core.json.JsonArray
import io.vertx.core.json.JsonObject
import io.vertx.junit5.VertxExtension
import java.util.ArrayDeque
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith

/** A data class with a default, a nullable property, a list and a nested class. */
@JsonClassDescription("A person the model invents")
data class Person(
    @param:JsonPropertyDescription("full name") val name: String,
    val age: Int = 0,
    val email: String? = null,
    val pets: List<Pet> = emptyList(),
)

/** The nested data class. */
data class Pet(val name: String, val kind: Kind)

/** An enum. */
enum class Kind { CAT, DOG }

/** A tool's arguments. */
@JsonClassDescription("The current weather in a city")
data class GetWeather(@field:JsonPropertyDescription("the city, e.g. Paris") val city: String)

/** The tool's result. */
data class Weather(val city: String, val celsius: Int)

/** Typed answers and tools from Kotlin: reified calls, data classes, suspend tool functions, a Flow of steps. */
@ExtendWith(VertxExtension::class)
class TypedTest {

    private lateinit var upstream: ScriptedServer
    private lateinit var client: AsyncClient
    private val answers = ArrayDeque<String>()

    @BeforeEach
    fun setUp(vertx: Vertx) {
        upstream = ScriptedServer.start(vertx).on(HttpMethod.POST, "/v1/chat/completions") { request ->
            val answer = synchronized(answers) { answers.poll() }
            request.response().setStatusCode(if (answer == null) 500 else 200)
                .putHeader("content-type", "application/json").end(answer ?: """{"error":{"message":"none"}}""")
        }
        client = AsyncClient.create(
            vertx,
            ClientOptions().setBaseUrl(upstream.baseUrl()).setApiKey("k").setMaxRetries(0),
        )
    }

    @AfterEach
    fun tearDown() {
        await(client.close())
        upstream.close()
    }

    private fun script(vararg next: String) = synchronized(answers) { answers.addAll(next) }

    private fun completion(message: JsonObject): String = JsonObject().put("id", "c").put("object", "chat.completion")
        .put("created", 1).put("model", "m").put(
            "choices",
            JsonArray().add(JsonObject().put("index", 0).put("message", message).put("finish_reason", "stop")),
        ).encode()

    private fun text(text: String) = completion(JsonObject().put("role", "assistant").put("content", text))

    private fun calls(vararg calls: Pair<String, String>) = completion(
        JsonObject().put("role", "assistant").putNull("content").put(
            "tool_calls",
            JsonArray(calls.map { (id, city) ->
                JsonObject().put("id", id).put("type", "function").put(
                    "function",
                    JsonObject().put("name", "GetWeather").put("arguments", JsonObject().put("city", city).encode()),
                )
            }),
        ),
    )

    @Test
    fun `a data class has the golden schema`() {
        val golden = JsonSchemas.defaultMapper().readTree(ScriptedServer.resource("schemas/KotlinPerson.json"))
        assertThat(JsonSchemas.defaultMapper().valueToTree<com.fasterxml.jackson.databind.JsonNode>(
            JsonSchemas.strict(Person::class.java),
        )).isEqualTo(golden)
    }

    @Test
    fun `create of a type asks for its schema and reads the answer with defaults and nulls`(): Unit = runBlocking {
        script(
            text("""{"name":"Ada","age":36,"email":null,"pets":[{"name":"Tom","kind":"CAT"}]}"""),
            text("""{"name":"Bob"}"""),
        )

        val ada = client.chat.completions.create<Person> {
            model = "gpt-4o-mini"
            user("Invent a person")
        }
        val bob: Person = client.chat.completions.create<Person> { user("Invent another") }

        assertThat(ada).isEqualTo(Person("Ada", 36, null, listOf(Pet("Tom", Kind.CAT))))
        assertThat(bob).isEqualTo(Person("Bob"))
        val format = upstream.received()[0].json().getJsonObject("response_format").getJsonObject("json_schema")
        assertThat(format.getString("name")).isEqualTo("Person")
        assertThat(format.getJsonObject("schema").map).isEqualTo(JsonSchemas.strict(Person::class.java))
    }

    @Test
    fun `an answer that does not parse throws with its text`(): Unit = runBlocking {
        script(text("not JSON"))

        assertThatThrownBy { runBlocking { client.chat.completions.create<Person> { user("Invent a person") } } }
            .isInstanceOfSatisfying(StructuredOutputException::class.java) {
                assertThat(it.raw()).isEqualTo("not JSON")
            }
    }

    @Test
    fun `suspend tools run concurrently and every step is in the flow`(): Unit = runBlocking {
        script(calls("call_p" to "Paris", "call_o" to "Oslo"), text("Paris 21, Oslo 9."))
        val osloStarted = CompletableDeferred<Unit>()
        val tools = tools {
            tool<GetWeather> { args ->
                if (args.city == "Paris") {
                    osloStarted.await() // returns only once Oslo's call has started: both run at once
                    Weather("Paris", 21)
                } else {
                    osloStarted.complete(Unit)
                    Weather("Oslo", 9)
                }
            }
        }

        val steps = client.chat.completions.toolSteps(tools) { user("Weather in Paris and Oslo?") }.toList()

        assertThat(steps.map { it.number to it.isFinal }).containsExactly(1 to false, 2 to true)
        assertThat(steps.last().answer.text()).isEqualTo("Paris 21, Oslo 9.")
        val messages = upstream.received()[1].json().getJsonArray("messages")
        assertThat(messages.getJsonObject(2).getString("content")).isEqualTo("""{"city":"Paris","celsius":21}""")
        assertThat(messages.getJsonObject(3).getString("content")).isEqualTo("""{"city":"Oslo","celsius":9}""")
        assertThat(upstream.received()[0].json().getJsonArray("tools").getJsonObject(0).getJsonObject("function")
            .getString("description")).isEqualTo("The current weather in a city")
    }

    @Test
    fun `a throwing suspend tool is reported to the model and a repeated call stops the loop`(): Unit = runBlocking {
        script(calls("call_1" to "Atlantis"), calls("call_2" to "Atlantis"))
        val seen = CopyOnWriteArrayList<Int>()
        val tools = tools {
            maxSteps = 5
            tool<GetWeather>(name = "get_weather_kt", description = "weather") { args -> error("no city ${args.city}") }
            tool<GetWeather> { args -> error("no city ${args.city}") }
        }

        val stopped = runCatching {
            client.chat.completions.runTools(tools, onStep = { seen += it.number }) { user("Weather in Atlantis?") }
        }.exceptionOrNull()

        assertThat(stopped).isInstanceOfSatisfying(ToolLoopException::class.java) {
            assertThat(it.reason()).isEqualTo(ToolLoopException.Reason.REPEATED_CALL)
        }
        assertThat(seen).containsExactly(1, 2)
        assertThat(upstream.received()[1].json().getJsonArray("messages").getJsonObject(2).getString("content"))
            .isEqualTo("""{"error":"no city Atlantis"}""")
        val flowed = CopyOnWriteArrayList<Throwable>()
        script(calls("call_3" to "Rome"), calls("call_4" to "Rome"))
        val steps = client.chat.completions.toolSteps(tools) { user("Weather in Rome?") }
            .catch { flowed += it }.toList()
        assertThat(steps).hasSize(2)
        assertThat(flowed.single()).isInstanceOf(ToolLoopException::class.java)
    }
}
