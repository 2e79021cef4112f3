package io.g4f.examples.kotlin

import com.fasterxml.jackson.annotation.JsonClassDescription
import com.fasterxml.jackson.annotation.JsonPropertyDescription

/** What the typed-answer example asks for: a data class with a default and a nullable property. */
data class Person(val name: String, val age: Int = 0, val email: String? = null)

/** The weather tool's arguments. */
@JsonClassDescription("The current weather in a city")
data class GetWeather(@param:JsonPropertyDescription("the city, e.g. Paris") val city: String)

/** The weather tool's result. */
data class Weather(val city: String, val celsius: Int)
