package io.herald.node.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA and one member certificate signed by it, as PEM files made with {@code openssl} (as
 * docs/deploy.md tells operators to): what the {@code cluster.tls.*} settings and the Kubernetes secret
 * {@code herald-cluster-tls} hold. EC P-256 keys, valid two days.
 */
public record ClusterCertificates(Path key, Path cert, Path ca) {

  /** Creates {@code <name>-ca.crt}, {@code <name>.key} and {@code <name>.crt} in {@code dir}. */
  public static ClusterCertificates create(Path dir, String name) {
    Path caKey = dir.resolve(name + "-ca.key");
    Path ca = dir.resolve(name + "-ca.crt");
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".crt");
    Path ext = dir.resolve(name + ".ext");
    try {
      Files.writeString(ext, "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n");
      openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
          "-subj", "/CN=" + name + "-ca", "-keyout", caKey.toString(), "-out", ca.toString());
      openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-subj", "/CN=" + name + "-member", "-keyout", key.toString(), "-out", csr.toString());
      openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
          "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
    } catch (IOException e) {
      throw new AssertionError("openssl must be on the PATH to make test certificates", e);
    }
    return new ClusterCertificates(key, cert, ca);
  }

  private static void openssl(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("openssl did not finish: " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
    }
  }

  /** The node settings that turn event-bus TLS on with these files. */
  public java.util.Map<String, String> settings() {
    return java.util.Map.of("cluster.tls.key_file", key.toString(), "cluster.tls.cert_file", cert.toString(),
        "cluster.tls.ca_file", ca.toString());
  }
}
