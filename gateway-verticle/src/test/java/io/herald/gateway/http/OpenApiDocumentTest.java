package io.herald.gateway.http;

import io.herald.core.ChannelName;
import io.herald.core.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OpenAPI document of the HTTP API ({@link OpenApiDocument#RESOURCE}) linted: parsed by vertx-openapi (which checks
 * it against the OpenAPI 3.1 meta-schema and resolves every {@code $ref}), then the checks a linter makes (an
 * operationId, summary, tags, a 2xx and a 4xx per operation; no unused component; examples that match their schemas)
 * and the ones that keep it tied to the code (the error vocabulary of {@link ErrorCode} with its statuses, the channel
 * name rule of {@link ChannelName}). Which routes exist is {@code OpenApiContractTest}'s.
 */
class OpenApiDocumentTest {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static Vertx vertx;
  private static JsonObject raw;
  private static OpenAPIContract contract;

  @BeforeAll
  static void load() throws IOException {
    vertx = Vertx.vertx();
    try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
      assertThat(in).as(OpenApiDocument.RESOURCE + " on the classpath").isNotNull();
      raw = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    contract = await(OpenAPIContract.from(vertx, OpenApiDocument.RESOURCE));
  }

  @AfterAll
  static void close() {
    await(vertx.close());
  }

  @Test
  void isAValidOpenApi31Document() {
    assertThat(raw.getString("openapi")).isEqualTo("3.1.0");
    assertThat(contract.getVersion()).isEqualTo(OpenAPIVersion.V3_1);
    assertThat(raw.getJsonObject("info").getString("title")).isNotBlank();
    assertThat(raw.getJsonObject("info").getString("version")).isNotBlank();
    assertThat(contract.operations()).isNotEmpty();
  }

  /** The parse above is a real check: a document the 3.1 meta-schema refuses does not load. */
  @Test
  void theParserRefusesADocumentTheMetaSchemaRefuses() {
    JsonObject noInfo = raw.copy();
    noInfo.remove("info");
    assertThatThrownBy(() -> await(OpenAPIContract.from(vertx, noInfo)))
        .hasStackTraceContaining("does not have required property \"info\"");

    JsonObject badResponse = raw.copy();
    badResponse.getJsonObject("paths").getJsonObject("/api/info").getJsonObject("get").getJsonObject("responses")
        .put("200", new JsonObject().put("content", "not an object"));
    assertThatThrownBy(() -> await(OpenAPIContract.from(vertx, badResponse))).hasStackTraceContaining("#/$defs/response");

    JsonObject danglingRef = raw.copy();
    danglingRef.getJsonObject("paths").getJsonObject("/api/info").getJsonObject("get").getJsonObject("responses")
        .put("401", new JsonObject().put("$ref", "#/components/responses/NoSuchResponse"));
    assertThatThrownBy(() -> await(OpenAPIContract.from(vertx, danglingRef))).hasStackTraceContaining("NoSuchResponse");
  }

  @Test
  void everyOperationHasAnIdASummaryTagsASuccessAndAClientError() {
    Set<String> declaredTags = raw.getJsonArray("tags").stream()
        .map(t -> ((JsonObject) t).getString("name")).collect(Collectors.toSet());
    Set<String> usedTags = new HashSet<>();
    Set<String> ids = new HashSet<>();
    SoftAssertions soft = new SoftAssertions();
    forEachOperation((where, op) -> {
      String id = op.getString("operationId");
      soft.assertThat(id).as(where + " operationId").isNotBlank();
      soft.assertThat(ids.add(id)).as(where + " operationId " + id + " is unique").isTrue();
      soft.assertThat(op.getString("summary")).as(where + " summary").isNotBlank();
      soft.assertThat(op.getString("description")).as(where + " description").isNotBlank();
      JsonArray tags = op.getJsonArray("tags", new JsonArray());
      soft.assertThat(tags).as(where + " tags").isNotEmpty();
      tags.forEach(t -> {
        usedTags.add((String) t);
        soft.assertThat(declaredTags).as(where + " tag " + t + " is declared").contains((String) t);
      });
      Set<String> statuses = op.getJsonObject("responses").fieldNames();
      soft.assertThat(statuses).as(where + " has a 2xx").anyMatch(s -> s.startsWith("2"));
      soft.assertThat(statuses).as(where + " has a 4xx").anyMatch(s -> s.startsWith("4"));
      soft.assertThat(statuses).as(where + " answers with explicit statuses").allMatch(s -> s.matches("[1-5][0-9][0-9]"));
      op.getJsonObject("responses").forEach(r -> {
        JsonObject response = resolve((JsonObject) r.getValue());
        soft.assertThat(response.getString("description")).as(where + " " + r.getKey() + " description").isNotBlank();
        soft.assertThat(response.getJsonObject("content", new JsonObject()).fieldNames())
            .as(where + " " + r.getKey() + " is JSON").containsExactly("application/json");
      });
    });
    soft.assertThat(usedTags).as("every declared tag is used").containsExactlyInAnyOrderElementsOf(declaredTags);
    soft.assertAll();
  }

  @Test
  void noComponentIsUnusedAndEveryReferenceResolves() {
    Set<String> refs = new TreeSet<>();
    collectRefs(raw, refs);
    SoftAssertions soft = new SoftAssertions();
    refs.forEach(ref -> soft.assertThatCode(() -> pointer(ref)).as("$ref " + ref).doesNotThrowAnyException());
    Set<String> used = refs.stream().map(r -> r.split("/")).filter(p -> p.length >= 4)
        .map(p -> p[2] + "/" + p[3]).collect(Collectors.toSet());
    raw.getJsonArray("security").forEach(s -> ((JsonObject) s).fieldNames().forEach(n -> used.add("securitySchemes/" + n)));
    JsonObject components = raw.getJsonObject("components");
    for (String kind : components.fieldNames()) {
      for (String name : components.getJsonObject(kind).fieldNames()) {
        soft.assertThat(used).as("components/" + kind + "/" + name + " is used").contains(kind + "/" + name);
      }
    }
    soft.assertAll();
  }

  /** The error vocabulary is {@link ErrorCode}'s, and each error response lists only codes of its own status. */
  @Test
  void errorsAreTheErrorCodesWithTheirStatuses() {
    List<String> documented = raw.getJsonObject("components").getJsonObject("schemas").getJsonObject("ErrorCode")
        .getJsonArray("enum").stream().map(String.class::cast).toList();
    assertThat(documented).containsExactlyElementsOf(Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList());

    Map<String, Integer> statusOf = Arrays.stream(ErrorCode.values())
        .collect(Collectors.toMap(ErrorCode::wire, ErrorCode::httpStatus));
    SoftAssertions soft = new SoftAssertions();
    forEachOperation((where, op) -> op.getJsonObject("responses").forEach(r -> {
      int status = Integer.parseInt(r.getKey());
      if (status < 400) {
        return;
      }
      List<String> codes = narrowedCodes(resolve((JsonObject) r.getValue()));
      soft.assertThat(codes).as(where + " " + status + " lists its codes").isNotEmpty();
      codes.forEach(code -> soft.assertThat(statusOf.get(code)).as(where + " " + status + ": " + code).isEqualTo(status));
    }));
    soft.assertAll();
  }

  /** The document's channel name pattern says what {@link ChannelName#isValid} says. */
  @Test
  void theChannelNamePatternIsTheCodesRule() {
    JsonObject schema = raw.getJsonObject("components").getJsonObject("schemas").getJsonObject("ChannelName");
    Pattern pattern = Pattern.compile(schema.getString("pattern"));
    int max = schema.getInteger("maxLength");
    List<String> names = new ArrayList<>(List.of("a", "chat:room-1", "news", "A.b_c:d@e=f-g", "$private:room", "$plain",
        "chat:dm#alice,bob", "ns:#u", ":a", "a:", "::", "", "$", "$$a", "a b", "a#b", "ns:a#", "ns:a#,b", "ns:a#b,",
        "ns:a#b#c", "ns:a#b:c", "é", "a/b", "a\nb", "a".repeat(255), "a".repeat(256), "ns:x#" + "u".repeat(250)));
    names.addAll(schema.getJsonArray("examples").stream().map(String.class::cast).toList());
    SoftAssertions soft = new SoftAssertions();
    for (String name : names) {
      boolean documented = pattern.matcher(name).find() && name.length() <= max && name.length() >= 1;
      soft.assertThat(documented).as("'" + name + "'").isEqualTo(ChannelName.isValid(name));
    }
    soft.assertAll();
  }

  /**
   * Every example of a request or response body is valid against that body's schema (the examples are read from the
   * file: the resolved model vertx-openapi keeps has the resolver's annotations in every object).
   */
  @Test
  void everyExampleMatchesItsSchema() {
    SoftAssertions soft = new SoftAssertions();
    int[] checked = {0};
    forEachOperation((where, op) -> {
      Operation operation = contract.operation(op.getString("operationId"));
      Map<String, MediaType> schemas = new java.util.LinkedHashMap<>();
      Map<String, JsonObject> examples = new java.util.LinkedHashMap<>();
      if (op.containsKey("requestBody")) {
        schemas.put("request", operation.getRequestBody().getContent().get("application/json"));
        examples.put("request", resolve(op.getJsonObject("requestBody")));
      }
      op.getJsonObject("responses").forEach(r -> {
        schemas.put(r.getKey(), operation.getResponse(Integer.parseInt(r.getKey())).getContent().get("application/json"));
        examples.put(r.getKey(), resolve((JsonObject) r.getValue()));
      });
      examples.forEach((part, model) -> model.getJsonObject("content").getJsonObject("application/json")
          .getJsonObject("examples", new JsonObject()).forEach(example -> {
            Object value = ((JsonObject) example.getValue()).getValue("value");
            OutputUnit result = contract.getSchemaRepository().validator(schemas.get(part).getSchema()).validate(value);
            soft.assertThat(result.getValid()).as(where + " " + part + " example " + example.getKey() + ": " + result).isTrue();
            checked[0]++;
          }));
    });
    soft.assertThat(checked[0]).as("examples checked").isGreaterThan(20);
    soft.assertAll();
  }

  // ---- helpers ----

  /** An operation's response statuses (the resolved model also holds the resolver's annotations). */
  private static List<String> statuses(Operation operation) {
    return operation.getOpenAPIModel().getJsonObject("responses").fieldNames().stream()
        .filter(s -> s.matches("[0-9]{3}")).toList();
  }

  private static void forEachOperation(BiConsumer<String, JsonObject> check) {
    raw.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(method -> {
      if (METHODS.contains(method.getKey())) {
        check.accept(method.getKey().toUpperCase() + " " + path.getKey(), (JsonObject) method.getValue());
      }
    }));
  }

  /** The codes a (resolved) error response's schema narrows {@code error.code} to. */
  private static List<String> narrowedCodes(JsonObject response) {
    JsonObject schema = response.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema");
    List<String> codes = new ArrayList<>();
    for (Object part : schema.getJsonArray("allOf", new JsonArray())) {
      JsonObject code = ((JsonObject) part).getJsonObject("properties", new JsonObject())
          .getJsonObject("error", new JsonObject()).getJsonObject("properties", new JsonObject()).getJsonObject("code");
      if (code != null) {
        code.getJsonArray("enum").forEach(c -> codes.add((String) c));
      }
    }
    return codes;
  }

  private static JsonObject resolve(JsonObject maybeRef) {
    return maybeRef.containsKey("$ref") ? (JsonObject) pointer(maybeRef.getString("$ref")) : maybeRef;
  }

  /** A local {@code #/a/b} reference's target in the raw document. */
  private static Object pointer(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException("not a local reference: " + ref);
    }
    Object at = raw;
    for (String token : ref.substring(2).split("/")) {
      String key = token.replace("~1", "/").replace("~0", "~");
      if (!(at instanceof JsonObject o) || !o.containsKey(key)) {
        throw new IllegalArgumentException("unresolved: " + ref);
      }
      at = o.getValue(key);
    }
    return at;
  }

  private static void collectRefs(Object node, Set<String> refs) {
    if (node instanceof JsonObject o) {
      o.forEach(e -> {
        if ("$ref".equals(e.getKey()) && e.getValue() instanceof String s) {
          refs.add(s);
        } else {
          collectRefs(e.getValue(), refs);
        }
      });
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectRefs(v, refs));
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
