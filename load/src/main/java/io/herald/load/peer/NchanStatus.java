package io.herald.load.peer;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;

/**
 * Nchan's {@code nchan_stub_status} page ({@code GET /nchan_status} in load/peers/nchan/nginx.conf): the shared
 * memory Nchan uses for channels and queued messages, the closest thing it has to Herald's heap figure. It is
 * not the nginx workers' whole memory (their private memory per connection is not in it).
 */
public final class NchanStatus {

  private static final String SHARED_MEMORY_USED = "shared memory used:";

  private NchanStatus() {
  }

  /** Bytes of shared memory in use, or -1 when the status page is not there. */
  public static Future<Long> sharedMemoryUsedBytes(HttpClient http, URI node) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(node.getHost()).setPort(node.getPort())
            .setURI("/nchan_status"))
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode() == 200
            ? sharedMemoryUsedBytes(b.toString()) : -1L)))
        .recover(t -> Future.succeededFuture(-1L));
  }

  /** Reads {@code shared memory used: 16K} (kibibytes) from a status page; -1 if it has no such line. */
  public static long sharedMemoryUsedBytes(String statusPage) {
    for (String line : statusPage.split("\n")) {
      if (line.startsWith(SHARED_MEMORY_USED)) {
        String value = line.substring(SHARED_MEMORY_USED.length()).trim();
        long factor = 1;
        if (value.endsWith("K")) {
          factor = 1024;
          value = value.substring(0, value.length() - 1);
        }
        try {
          return Long.parseLong(value.trim()) * factor;
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
