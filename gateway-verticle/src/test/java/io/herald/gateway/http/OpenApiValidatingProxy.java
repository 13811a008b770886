package io.herald.gateway.http;

import io.herald.gateway.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseParameter;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A reverse proxy in front of a node that checks each exchange against an OpenAPI contract with vertx-openapi: the
 * request as a server receives it ({@link RequestUtils#extract} on the proxy's own {@link HttpServerRequest}, then
 * {@link RequestValidator}: path and query parameters, content type, body) and the node's answer
 * ({@link ResponseValidator}: a documented status, its headers, its body's schema). A test sends one request at a time
 * with {@link #send} and gets the answer with both verdicts.
 */
final class OpenApiValidatingProxy implements AutoCloseable {

  /** What a test sends: the proxy forwards the method, URI, body and these headers (a null one is not sent). */
  record Request(HttpMethod method, String uri, Buffer body, String contentType, String apiKey, String host) {

    static Request get(String uri) {
      return new Request(HttpMethod.GET, uri, null, null, null, null);
    }

    static Request post(String uri, String body) {
      return new Request(HttpMethod.POST, uri, Buffer.buffer(body), "application/json", null, null);
    }

    Request key(String key) {
      return new Request(method, uri, body, contentType, key, host);
    }

    Request contentType(String type) {
      return new Request(method, uri, body, type, apiKey, host);
    }

    Request host(String host) {
      return new Request(method, uri, body, contentType, apiKey, host);
    }

    @Override
    public String toString() {
      return method + " " + uri + (body == null ? "" : " " + abbreviate(body.toString()))
          + (contentType == null || contentType.equals("application/json") ? "" : " [" + contentType + "]")
          + (apiKey == null ? " [no key]" : " [key " + apiKey + "]") + (host == null ? "" : " [Host " + host + "]");
    }

    private static String abbreviate(String s) {
      return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
  }

  /**
   * One exchange: the operation the contract maps the request to (null: none), the node's answer, and the verdicts
   * on the request and on the response (null: valid; else why not).
   */
  record Exchange(Request request, String operationId, int status, MultiMap headers, Buffer body, String requestError,
                  String responseError) {
  }

  private final Vertx vertx;
  private final OpenAPIContract contract;
  private final RequestValidator requests;
  private final ResponseValidator responses;
  private final int targetPort;
  private final HttpClient toNode;
  private final HttpClient toProxy;
  private final BlockingQueue<Exchange> exchanges = new LinkedBlockingQueue<>();
  private HttpServer server;

  private OpenApiValidatingProxy(Vertx vertx, OpenAPIContract contract, int targetPort) {
    this.vertx = vertx;
    this.contract = contract;
    this.requests = RequestValidator.create(vertx, contract);
    this.responses = ResponseValidator.create(vertx, contract);
    this.targetPort = targetPort;
    this.toNode = vertx.createHttpClient();
    this.toProxy = vertx.createHttpClient();
  }

  /** A proxy on a free loopback port in front of the node whose API is on {@code targetPort}. */
  static OpenApiValidatingProxy start(Vertx vertx, OpenAPIContract contract, int targetPort) {
    OpenApiValidatingProxy proxy = new OpenApiValidatingProxy(vertx, contract, targetPort);
    proxy.server = TestServer.await(vertx.createHttpServer().requestHandler(proxy::handle).listen(0, "127.0.0.1"));
    return proxy;
  }

  /** Sends {@code request} through the proxy and returns the exchange once the answer is back. */
  Exchange send(Request request) {
    RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI(request.uri());
    if (request.apiKey() != null) {
      options.putHeader("Authorization", "Bearer " + request.apiKey());
    }
    if (request.body() != null && request.contentType() != null) {
      options.putHeader("Content-Type", request.contentType());
    }
    if (request.host() != null) {
      options.putHeader("X-Test-Host", request.host()); // the proxy sends it to the node as Host
    }
    exchanges.clear();
    Promise<Void> answered = Promise.promise();
    // One context for the whole exchange, so the answer's body cannot arrive before it is asked for.
    vertx.getOrCreateContext().runOnContext(v -> toProxy.request(options)
        .compose(req -> request.body() == null ? req.send() : req.send(request.body()))
        .compose(HttpClientResponse::body)
        .<Void>mapEmpty()
        .onComplete(answered));
    TestServer.await(answered.future());
    try {
      Exchange exchange = exchanges.poll(10, TimeUnit.SECONDS);
      if (exchange == null) {
        throw new AssertionError("the proxy recorded no exchange for " + request);
      }
      return new Exchange(request, exchange.operationId(), exchange.status(), exchange.headers(), exchange.body(),
          exchange.requestError(), exchange.responseError());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void handle(HttpServerRequest request) {
    request.body().onComplete(read -> {
      if (read.failed()) {
        request.response().setStatusCode(502).end();
        return;
      }
      Buffer body = read.result();
      Operation operation = contract.findOperation(request.path(), request.method());
      Future<String> requestVerdict = operation == null
          ? Future.succeededFuture("the document has no operation for " + request.method() + " " + request.path())
          : verdict(RequestUtils.extract(request, operation, () -> Future.succeededFuture(body))
              .compose(extracted -> requests.validate(extracted, operation.getOperationId())));
      forward(request, body).onComplete(forwarded -> {
        if (forwarded.failed()) {
          request.response().setStatusCode(502).end(String.valueOf(forwarded.cause()));
          return;
        }
        Answer answer = forwarded.result();
        Future<String> responseVerdict = operation == null
            ? Future.succeededFuture("no operation to check the response against")
            : verdict(responses.validate(validatable(answer), operation.getOperationId()));
        Future.all(requestVerdict, responseVerdict).onComplete(both -> {
          exchanges.add(new Exchange(null, operation == null ? null : operation.getOperationId(), answer.status(),
              answer.headers(), answer.body(), requestVerdict.result(), responseVerdict.result()));
          request.response().setStatusCode(answer.status()).end(answer.body());
        });
      });
    });
  }

  private record Answer(int status, MultiMap headers, Buffer body) {
  }

  private Future<Answer> forward(HttpServerRequest request, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(request.method())
        .setServer(SocketAddress.inetSocketAddress(targetPort, "127.0.0.1")).setURI(request.uri());
    String host = request.getHeader("X-Test-Host");
    HostAndPort authority = host == null ? HostAndPort.create("127.0.0.1", targetPort) : HostAndPort.parseAuthority(host, 80);
    options.setHost(authority.host()).setPort(authority.port());
    for (String header : List.of("Authorization", "Content-Type")) {
      if (request.getHeader(header) != null) {
        options.putHeader(header, request.getHeader(header));
      }
    }
    return toNode.request(options)
        .compose(req -> body.length() == 0 && request.method() == HttpMethod.GET ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(), b)));
  }

  /**
   * The node's answer for {@link ResponseValidator}. Its header names are looked up as the document spells them
   * (vertx-openapi 5.0.10 lower-cases the names given to {@link ValidatableResponse#create} but looks them up as
   * documented, so a documented {@code WWW-Authenticate} would never be found): here the lookup ignores case, as HTTP does.
   */
  private static ValidatableResponse validatable(Answer answer) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    answer.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    String contentType = answer.headers().get("Content-Type");
    ValidatableResponse created = ValidatableResponse.create(answer.status(), headers,
        answer.body().length() == 0 ? null : answer.body(), contentType);
    Map<String, ResponseParameter> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseless.putAll(created.getHeaders());
    return new CaselessResponse(caseless, created.getBody(), created.getContentType(), created.getStatusCode());
  }

  /** A {@link ValidatableResponse} whose header map ignores case (the record's accessors are the interface's). */
  private record CaselessResponse(Map<String, ResponseParameter> getHeaders, ResponseParameter getBody,
                                  String getContentType, int getStatusCode) implements ValidatableResponse {
  }

  /** Null when {@code validation} succeeds, else what failed (with the schema's own explanation when there is one). */
  private static Future<String> verdict(Future<?> validation) {
    return validation.map(v -> (String) null).recover(e -> Future.succeededFuture(
        e instanceof SchemaValidationException s && s.getOutputUnit() != null
            ? e.getMessage() + " " + s.getOutputUnit().toJson().encode()
            : String.valueOf(e.getMessage())));
  }

  @Override
  public void close() {
    TestServer.await(server.close());
    TestServer.await(toNode.close());
    TestServer.await(toProxy.close());
  }
}
