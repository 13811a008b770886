package io.herald.graphql.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.ErrorType;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.ParseAndValidate;
import graphql.ParseAndValidateResult;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.execution.RawVariables;
import graphql.execution.ValuesResolver;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.herald.core.ClientInfo;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.HistoryQuery;
import io.herald.core.Json;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.PublishRequest;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.auth.ChannelPermissions;
import io.herald.gateway.auth.Identity;
import io.herald.gateway.hooks.HookKind;
import io.herald.gateway.session.ChannelHook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Herald's GraphQL schema ({@code herald.graphqls}) wired to the same Broker, Presence and publish path
 * as the HTTP API, with the operation limits. Thread-safe; one per node.
 */
public final class GraphQLEngine {

  /** GraphQL error {@code extensions.code} for an operation over a limit. */
  static final String LIMIT_EXCEEDED = "limit_exceeded";

  /**
   * The documents the cache holds, and the longest text it keeps. An application has a handful of distinct
   * operations; a cached document's parsed form is bounded by the operation limits (fields, aliases, depth) and
   * its text by this length, so the cache holds a few MB at most, whatever clients send.
   */
  static final int CACHED_DOCUMENTS = 256;
  static final int CACHED_QUERY_MAX_CHARS = 16 * 1024;

  private final GatewayServices services;
  private final GraphQLSchema schema;
  private final GraphQL graphQL;
  private final OperationLimits limits;
  /**
   * Documents that parsed, stayed within the limits and went through validation, by query text and operation name:
   * a client repeating an operation (thousands of clients opening the same subscription) costs its limits walk
   * and variable coercion, not a parse and a validation each. Bounded ({@link #CACHED_DOCUMENTS}, least recently
   * used out); an entry a client's variables push over a limit is still refused.
   */
  private final Cache<DocumentKey, Validated> validated = Caffeine.newBuilder().maximumSize(CACHED_DOCUMENTS).build();

  private record DocumentKey(String query, String operationName) {
  }

  /** A document as {@link #prepare} validated it: the operation and the fragments it reaches, and what validation said. */
  private record Validated(Document document, OperationDefinition operation, List<GraphQLError> invalid) {
  }

  public GraphQLEngine(GatewayServices services) {
    this.services = services;
    this.schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(schemaText()), wiring());
    this.graphQL = GraphQL.newGraphQL(schema).defaultDataFetcherExceptionHandler(new ErrorCodes())
        .preparsedDocumentProvider(PREPARED).build();
    this.limits = new OperationLimits(services.config());
  }

  /**
   * A parsed, validated and measured operation; {@code errors} is non-empty when it must not run.
   * {@code variables} are the coerced values, the operation's defaults applied.
   */
  record Prepared(ExecutionInput input, Document document, OperationDefinition operation,
                  Map<String, Object> variables, OperationLimits.Measures measures, List<GraphQLError> errors) {
    boolean failed() {
      return !errors.isEmpty();
    }

    OperationDefinition.Operation type() {
      return operation.getOperation();
    }
  }

  /** A client's access to channels: its operations checked against the channel permissions, its view of presence. */
  interface ChannelAccess {
    /** Throws a {@link HeraldException} ({@code permission_denied}) to refuse {@code operation}. */
    void check(ChannelPermissions.Operation operation, String channel);

    /** Presence of {@code channel} as this client may see it (users hidden from anonymous clients). */
    List<ClientInfo> presenceView(String channel, List<ClientInfo> clients);

    /**
     * Publishes for this client; over the socket within its ws.new_channel_rate and through the publish hook (see
     * TransportWsConnection). Over HTTP there is no connection to ask the hook about: a hooked channel is refused.
     */
    default Future<Publication> publish(GatewayServices services, String channel, Buffer data, String idempotencyKey) {
      ChannelHook.refuseUnhooked(services.config(), HookKind.PUBLISH, channel);
      return services.publish(channel, data, idempotencyKey, true);
    }

    /** The access of {@code identity} (null: anonymous); {@code granted}: channels a subscription token opened. */
    static ChannelAccess of(ChannelPermissions permissions, Identity identity, Predicate<String> granted) {
      return new ChannelAccess() {
        @Override
        public void check(ChannelPermissions.Operation operation, String channel) {
          permissions.check(operation, identity, channel, granted.test(channel));
        }

        @Override
        public List<ClientInfo> presenceView(String channel, List<ClientInfo> clients) {
          return permissions.presenceView(identity, channel, clients);
        }
      };
    }
  }

  /**
   * Parses, measures, validates: in that order, so that the limits refuse a document before graphql-java's
   * validation, whose cost grows faster than the document's for some shapes, spends it; and only the operation
   * and the fragments it reaches are validated and run (other operations of the document are left out). A text seen
   * before is only measured again, with this request's variables (see {@link #validated}).
   */
  Prepared prepare(String query, String operationName, Map<String, Object> variables, ChannelAccess access) {
    Map<String, Object> raw = variables == null ? Map.of() : variables;
    ExecutionInput input = ExecutionInput.newExecutionInput(query).operationName(operationName).variables(raw)
        .graphQLContext(Map.of(ChannelAccess.class, access)).build();
    DocumentKey key = new DocumentKey(query, operationName == null ? "" : operationName);
    Validated known = validated.getIfPresent(key);
    OperationLimits.Measures measures;
    if (known == null) {
      ParseAndValidateResult parsed = ParseAndValidate.parse(input);
      if (parsed.isFailure()) {
        return failed(input, null, null, List.copyOf(parsed.getErrors()));
      }
      OperationDefinition operation = operation(parsed.getDocument(), operationName);
      if (operation == null) {
        return failed(input, null, null, List.of(error(operationName == null || operationName.isEmpty()
            ? "the document must hold one operation, or operationName must name one" : "no operation named " + operationName,
            "bad_request")));
      }
      OperationLimits.Measured measured;
      try {
        measured = limits.check(parsed.getDocument(), operation, raw);
      } catch (OperationLimits.LimitExceeded e) {
        return failed(input, null, operation, List.of(error(e.getMessage(), LIMIT_EXCEEDED)));
      }
      known = new Validated(measured.document(), operation, validate(measured.document(), input));
      if (query.length() <= CACHED_QUERY_MAX_CHARS) {
        validated.put(key, known);
      }
      measures = measured.measures();
    } else {
      try {
        measures = limits.measure(known.document(), known.operation(), raw); // a `limit` may come from a variable
      } catch (OperationLimits.LimitExceeded e) {
        return failed(input, null, known.operation(), List.of(error(e.getMessage(), LIMIT_EXCEEDED)));
      }
    }
    if (!known.invalid().isEmpty()) {
      return failed(input, null, null, known.invalid());
    }
    OperationDefinition operation = known.operation();
    Map<String, Object> coerced;
    try {
      coerced = ValuesResolver.coerceVariableValues(schema, operation.getVariableDefinitions(),
          RawVariables.of(input.getVariables()), input.getGraphQLContext(), input.getLocale()).toMap();
    } catch (RuntimeException e) {
      GraphQLError bad = e instanceof GraphQLError g ? g : error("invalid variables", "bad_request");
      return failed(input, known.document(), operation, List.of(bad));
    }
    // Execution takes this document as it is (see PREPARED): no second parse and validation.
    input.getGraphQLContext().put(Document.class, known.document());
    return new Prepared(input, known.document(), operation, coerced, measures, List.of());
  }

  /** graphql-java's validation of {@code document}: its errors, none when valid. */
  private List<GraphQLError> validate(Document document, ExecutionInput input) {
    try {
      return List.copyOf(ParseAndValidate.validate(schema, document, input.getLocale()));
    } catch (RuntimeException e) {
      // graphql-java's validator throws on some invalid operations (a subscription whose root field is skipped).
      return List.of(error("invalid operation", "bad_request"));
    }
  }

  private static Prepared failed(ExecutionInput input, Document document, OperationDefinition operation,
                                 List<GraphQLError> errors) {
    return new Prepared(input, document, operation, Map.of(), null, errors);
  }

  /** Hands graphql-java's execution the document {@link #prepare} measured and validated. */
  private static final PreparsedDocumentProvider PREPARED = (input, parseAndValidate) -> {
    Document document = input.getGraphQLContext().get(Document.class);
    return CompletableFuture.completedFuture(document == null ? parseAndValidate.apply(input)
        : new PreparsedDocumentEntry(document));
  };

  private static OperationDefinition operation(Document document, String name) {
    List<OperationDefinition> operations = document.getDefinitionsOfType(OperationDefinition.class);
    if (name == null || name.isEmpty()) {
      return operations.size() == 1 ? operations.get(0) : null;
    }
    return operations.stream().filter(o -> name.equals(o.getName())).findFirst().orElse(null);
  }

  /** Runs a prepared query or mutation. */
  CompletableFuture<ExecutionResult> execute(Prepared prepared) {
    return graphQL.executeAsync(prepared.input());
  }

  static GraphQLError error(String message, String code) {
    return GraphqlErrorBuilder.newError().message(message).errorType(ErrorType.ValidationError)
        .extensions(Map.of("code", code)).build();
  }

  private static String schemaText() {
    try (InputStream in = GraphQLEngine.class.getResourceAsStream("/herald.graphqls")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("herald.graphqls is missing from the classpath", e);
    }
  }

  private RuntimeWiring wiring() {
    return RuntimeWiring.newRuntimeWiring()
        .scalar(Scalars.JSON)
        .scalar(Scalars.LONG)
        .type("Query", t -> t
            .dataFetcher("channels", env -> {
              // Clients see only the channels they may subscribe to: private and other users' names stay hidden.
              ChannelAccess access = access(env);
              return async(services.presence().channels(orEmpty(env.getArgument("prefix")))
                  .map(list -> list.stream().filter(c -> allowed(access, c.name())).toList()));
            })
            .dataFetcher("history", this::history)
            .dataFetcher("presence", env -> {
              String channel = Json.validChannel(env.getArgument("channel"));
              ChannelAccess access = access(env);
              access.check(ChannelPermissions.Operation.PRESENCE, channel);
              return async(services.presence().clients(channel).map(clients -> access.presenceView(channel, clients)));
            }))
        .type("Mutation", t -> t.dataFetcher("publish", env -> {
          String channel = Json.validChannel(env.getArgument("channel"));
          access(env).check(ChannelPermissions.Operation.PUBLISH, channel);
          String idempotencyKey = PublishRequest.checkKey(env.getArgument("idempotencyKey"));
          return async(access(env).publish(services, channel, io.vertx.core.json.Json.encodeToBuffer(env.getArgument("data")), idempotencyKey)
              .map(p -> Map.of("channel", channel, "epoch", p.epoch(), "offset", p.first().offset(), "duplicate", p.duplicate(0))));
        }))
        .type("Presence", t -> t.dataFetcher("info", (DataFetcher<Object>) env -> {
          String info = ((ClientInfo) env.getSource()).info();
          return info == null ? null : io.vertx.core.json.Json.decodeValue(info);
        }))
        .type("Message", t -> t.dataFetcher("data", (DataFetcher<Object>) env ->
            io.vertx.core.json.Json.decodeValue(((Message) env.getSource()).data())))
        .build();
  }

  private CompletableFuture<List<Message>> history(graphql.schema.DataFetchingEnvironment env) {
    String channel = Json.validChannel(env.getArgument("channel"));
    access(env).check(ChannelPermissions.Operation.HISTORY, channel);
    Long sinceOffset = env.getArgument("sinceOffset");
    String epoch = env.getArgument("epoch");
    Integer requested = env.getArgument("limit");
    int historySize = Math.max(1, services.config().namespaces().forChannel(channel).historySize());
    int limit = Math.min(requested == null ? services.config().get(HeraldConfig.HISTORY_DEFAULT_LIMIT) : Math.max(0, requested),
        historySize);
    HistoryQuery query = sinceOffset == null ? HistoryQuery.latest(channel, limit) : new HistoryQuery(channel, sinceOffset, limit);
    return async(services.broker().history(query).map(page -> {
      if (sinceOffset != null && epoch != null && !page.covers(epoch, sinceOffset)) {
        throw new HeraldException(ErrorCode.RECOVERY_FAILED, "history no longer holds the position");
      }
      return page.messages();
    }));
  }

  private static boolean allowed(ChannelAccess access, String channel) {
    try {
      access.check(ChannelPermissions.Operation.SUBSCRIBE, channel);
      return true;
    } catch (HeraldException denied) {
      return false;
    }
  }

  private static ChannelAccess access(graphql.schema.DataFetchingEnvironment env) {
    ChannelAccess access = env.getGraphQlContext().get(ChannelAccess.class);
    if (access == null) {
      throw new HeraldException(ErrorCode.PERMISSION_DENIED, "no client identity");
    }
    return access;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static <T> CompletableFuture<T> async(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture();
  }

  /** A failed fetcher becomes a GraphQL error carrying the protocol's error code. */
  private static final class ErrorCodes implements DataFetcherExceptionHandler {
    @Override
    public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(
        graphql.execution.DataFetcherExceptionHandlerParameters params) {
      Throwable t = params.getException();
      while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      ErrorCode code = t instanceof HeraldException he ? he.code() : ErrorCode.INTERNAL;
      String message = t instanceof HeraldException ? t.getMessage() : "internal error";
      GraphQLError error = GraphqlErrorBuilder.newError().message(message).path(params.getPath())
          .location(params.getSourceLocation()).extensions(Map.of("code", code.wire())).build();
      return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(error).build());
    }
  }
}
