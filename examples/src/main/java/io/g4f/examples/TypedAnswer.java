package io.g4f.examples;

import io.g4f.client.chat.ChatCompletionRequest;
import org.jspecify.annotations.Nullable;

/** Typed output: the answer as a record, its JSON schema derived from the record. */
public final class TypedAnswer {

  private TypedAnswer() {
  }

  /** What the model is asked for. */
  public record Person(String name, int age, @Nullable String email) {
  }

  /** Prints the person the model invented. */
  public static void main(String[] args) {
    Example.run(client -> client.chat().completions()
        .parse(ChatCompletionRequest.of(Example.model("gpt-4o-mini"), "Invent a person"), Person.class)
        .onSuccess(person -> System.out.println(person.name() + ", " + person.age() + ", " + person.email())));
  }
}
