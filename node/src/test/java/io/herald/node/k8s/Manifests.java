package io.herald.node.k8s;

import io.herald.core.config.HeraldConfig;
import io.herald.node.testing.RequiredTools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The objects of a kustomize overlay of {@code k8s/}, as Kubernetes would get them: rendered by
 * {@code kubectl kustomize} (the renderer {@code kubectl apply -k} uses) and validated offline against
 * the Kubernetes and Prometheus Operator schemas, unknown fields included, by {@code k8s/validate/validate.mjs}
 * (npm packages kubernetes-models and typescript, installed with {@code npm ci} from the committed lock file). Rendering fails the
 * test, with the tool's output, when either step fails. Renders are cached per JVM.
 */
public final class Manifests {

  /** The module's directory is the tests' working directory; {@code k8s/} is at the repository root. */
  public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  public static final Path K8S = ROOT.resolve("k8s");
  public static final List<String> OVERLAYS = List.of("dev", "prod");
  public static final Path DOCKERFILE = ROOT.resolve("Dockerfile");

  /** The address {@link Rendered#podEnvironment} gives the pod. */
  public static final String POD_IP = "10.1.2.3";
  private static final Path VALIDATOR = K8S.resolve("validate");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final long TIMEOUT_S = 300;
  private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

  private Manifests() {
  }

  /** One rendered overlay. */
  public record Rendered(String overlay, List<JsonObject> objects) {

    public List<JsonObject> ofKind(String kind) {
      return objects.stream().filter(o -> kind.equals(o.getString("kind"))).toList();
    }

    public JsonObject get(String kind, String name) {
      return ofKind(kind).stream().filter(o -> name.equals(o.getJsonObject("metadata").getString("name"))).findFirst()
          .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    /** The one object of {@code kind} whose name starts with {@code prefix} (generated names get a hash suffix). */
    public JsonObject generated(String kind, String prefix) {
      List<JsonObject> found = ofKind(kind).stream()
          .filter(o -> o.getJsonObject("metadata").getString("name").startsWith(prefix)).toList();
      if (found.size() != 1) {
        throw new AssertionError(overlay + ": expected one " + kind + " " + prefix + "*, found " + found.size());
      }
      return found.get(0);
    }

    public JsonObject deployment() {
      return get("Deployment", "herald");
    }

    public JsonObject podSpec() {
      return deployment().getJsonObject("spec").getJsonObject("template").getJsonObject("spec");
    }

    public JsonObject container() {
      JsonArray containers = podSpec().getJsonArray("containers");
      return containers.stream().map(JsonObject.class::cast).filter(c -> "herald".equals(c.getString("name")))
          .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no container herald"));
    }

    public String namespace() {
      return deployment().getJsonObject("metadata").getString("namespace");
    }

    /** The config volume's ConfigMap: file name to content, as mounted at the container's /etc/herald. */
    public JsonObject configFiles() {
      String name = volume("config").getJsonObject("configMap").getString("name");
      return get("ConfigMap", name).getJsonObject("data");
    }

    public JsonObject volume(String name) {
      return podSpec().getJsonArray("volumes").stream().map(JsonObject.class::cast)
          .filter(v -> name.equals(v.getString("name"))).findFirst()
          .orElseThrow(() -> new AssertionError(overlay + ": no volume " + name));
    }

    public String mountPath(String volume) {
      return container().getJsonArray("volumeMounts").stream().map(JsonObject.class::cast)
          .filter(m -> volume.equals(m.getString("name"))).findFirst()
          .orElseThrow(() -> new AssertionError(overlay + ": volume " + volume + " not mounted")).getString("mountPath");
    }

    /** The container's environment variable {@code name} (its {@code value} or {@code valueFrom}). */
    public JsonObject env(String name) {
      return container().getJsonArray("env").stream().map(JsonObject.class::cast)
          .filter(e -> name.equals(e.getString("name"))).findFirst()
          .orElseThrow(() -> new AssertionError(overlay + ": no env " + name));
    }

    /**
     * The container's environment as the kubelet builds it: {@code $(VAR)} expanded from earlier variables,
     * the downward API's {@code fields} (metadata.name, metadata.namespace, status.podIP) and the values of
     * {@code secrets} by key; an optional secret key that is missing leaves its variable out.
     */
    public Map<String, String> environment(Map<String, String> fields, Map<String, String> secrets) {
      Map<String, String> env = new LinkedHashMap<>();
      for (Object o : container().getJsonArray("env")) {
        JsonObject e = (JsonObject) o;
        String name = e.getString("name");
        if (e.containsKey("value")) {
          Matcher m = VARIABLE.matcher(e.getString("value"));
          env.put(name, m.replaceAll(r -> Matcher.quoteReplacement(env.getOrDefault(r.group(1), r.group()))));
          continue;
        }
        JsonObject from = e.getJsonObject("valueFrom");
        if (from.containsKey("fieldRef")) {
          String field = from.getJsonObject("fieldRef").getString("fieldPath");
          String value = fields.get(field);
          if (value == null) {
            throw new AssertionError(overlay + ": no value given for the field " + field);
          }
          env.put(name, value);
        } else {
          JsonObject ref = from.getJsonObject("secretKeyRef");
          String value = secrets.get(ref.getString("key"));
          if (value != null) {
            env.put(name, value);
          } else if (!ref.getBoolean("optional", false)) {
            throw new AssertionError(overlay + ": secret key " + ref.getString("key") + " is required");
          }
        }
      }
      return env;
    }

    /** A pod's environment with these secret keys present; its name, namespace and IP made up. */
    public Map<String, String> podEnvironment(Map<String, String> secrets) {
      return environment(Map.of("metadata.name", "herald-0", "metadata.namespace", namespace(), "status.podIP", POD_IP), secrets);
    }

    /** The configuration a pod runs with: the mounted herald.json, then its environment (as Main layers them). */
    public HeraldConfig heraldConfig(Map<String, String> secrets) {
      return HeraldConfig.load(new JsonObject(configFiles().getString("herald.json")), podEnvironment(secrets), Map.of());
    }

    /** The container port named {@code name}. */
    public int containerPort(String name) {
      return container().getJsonArray("ports").stream().map(JsonObject.class::cast)
          .filter(p -> name.equals(p.getString("name"))).findFirst()
          .orElseThrow(() -> new AssertionError(overlay + ": no container port " + name)).getInteger("containerPort");
    }
  }

  /** The image's runtime as the Dockerfile defines it: ENTRYPOINT and CMD (exec form), USER, COPY source to destination. */
  public record Image(List<String> entrypoint, List<String> cmd, String user, Map<String, String> copies) {
  }

  public static Image image() throws IOException {
    String text = Files.readString(DOCKERFILE);
    Matcher copy = Pattern.compile("(?m)^COPY (?:--from=\\S+ )?(\\S+) (\\S+)$").matcher(text);
    Map<String, String> copies = new LinkedHashMap<>();
    while (copy.find()) {
      copies.put(copy.group(1), copy.group(2));
    }
    return new Image(execForm(text, "ENTRYPOINT"), execForm(text, "CMD"), instruction(text, "USER"), copies);
  }

  private static List<String> execForm(String text, String instruction) {
    return new JsonArray(instruction(text, instruction)).stream().map(String.class::cast).toList();
  }

  private static String instruction(String text, String instruction) {
    List<String> lines = text.lines().filter(l -> l.startsWith(instruction + " ")).toList();
    if (lines.size() != 1) {
      throw new AssertionError("Dockerfile: expected one " + instruction + ", found " + lines.size());
    }
    return lines.get(0).substring(instruction.length() + 1).strip();
  }

  /** The overlay rendered and validated; skips the calling test on a machine without kubectl or Node.js. */
  public static Rendered render(String overlay) {
    RequiredTools.assume(RequiredTools.Tool.KUBECTL, "rendering k8s/ (the Kubernetes manifest tests)");
    RequiredTools.assume(RequiredTools.Tool.NODE, "validating k8s/ (the Kubernetes manifest tests)");
    return CACHE.computeIfAbsent(overlay, Manifests::renderNow);
  }

  private static Rendered renderNow(String overlay) {
    try {
      installValidator();
      Path yaml = Files.createTempFile("herald-k8s-" + overlay, ".yaml");
      try {
        Run kustomize = run(List.of("kubectl", "kustomize", K8S.resolve("overlays").resolve(overlay).toString()), ROOT, yaml,
            "kubectl must be on the PATH (kustomize v5, as in kubectl 1.27+)");
        assertSucceeded("kubectl kustomize " + overlay, kustomize);
        Path json = Files.createTempFile("herald-k8s-" + overlay, ".json");
        try {
          Run validate = run(List.of("node", "validate.mjs", yaml.toString()), VALIDATOR, json, "Node.js must be on the PATH");
          assertSucceeded("schema validation of " + overlay, validate);
          List<JsonObject> objects = new JsonArray(Files.readString(json, StandardCharsets.UTF_8)).stream()
              .map(JsonObject.class::cast).toList();
          return new Rendered(overlay, objects);
        } finally {
          Files.deleteIfExists(json);
        }
      } finally {
        Files.deleteIfExists(yaml);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** What {@code validate.mjs} says of {@code yaml}: its errors, or an empty string when every object is valid. */
  public static String validationErrors(String yaml) {
    RequiredTools.assume(RequiredTools.Tool.NODE, "validating k8s/ (the Kubernetes manifest tests)");
    try {
      installValidator();
      Path in = Files.createTempFile("herald-k8s-check", ".yaml");
      Path out = Files.createTempFile("herald-k8s-check", ".json");
      try {
        Files.writeString(in, yaml);
        Run validate = run(List.of("node", "validate.mjs", in.toString()), VALIDATOR, out, "Node.js must be on the PATH");
        return validate.exitCode() == 0 ? "" : validate.errors();
      } finally {
        Files.deleteIfExists(in);
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static synchronized void installValidator() throws IOException, InterruptedException {
    Path installed = VALIDATOR.resolve("node_modules").resolve(".package-lock.json"); // written by npm ci/install
    Path lock = VALIDATOR.resolve("package-lock.json");
    if (Files.exists(installed) && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
      return;
    }
    Path log = Files.createTempFile("herald-k8s-npm", ".log");
    try {
      assertSucceeded("npm ci in " + VALIDATOR, run(List.of("npm", "ci", "--no-audit", "--no-fund"), VALIDATOR, log,
          "npm must be on the PATH (.ci/run installs it)"));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private record Run(int exitCode, String output, String errors) {
  }

  /** Runs {@code command} in {@code dir}, its standard output to {@code out}; bounded by {@link #TIMEOUT_S}. */
  private static Run run(List<String> command, Path dir, Path out, String missing) throws IOException, InterruptedException {
    Path err = Files.createTempFile("herald-k8s", ".err");
    try {
      Process process;
      try {
        process = new ProcessBuilder(command).directory(dir.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      } catch (IOException e) {
        throw new AssertionError("cannot run " + command.get(0) + ": " + missing, e);
      }
      if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " still running after " + TIMEOUT_S + " s");
      }
      return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static void assertSucceeded(String what, Run run) {
    if (run.exitCode() != 0) {
      throw new AssertionError(what + " failed (exit " + run.exitCode() + "):\n" + run.errors() + run.output());
    }
  }
}
