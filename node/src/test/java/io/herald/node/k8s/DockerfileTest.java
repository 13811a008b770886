package io.herald.node.k8s;

import io.herald.node.k8s.Manifests.Rendered;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image definition, read (ContainerImageIT builds and runs it where podman is installed): a Maven build
 * stage, a JRE 17 runtime that copies the jar {@code mvn package} produces and the cluster config the manifests
 * mount, a non-root user matching the pod's securityContext, container-aware heap flags, and the same command
 * as the Deployment.
 */
class DockerfileTest {

  @Test
  void buildsWithMavenAndRunsTheShadedJarOnAJre17AsNonRoot() throws IOException {
    String text = Files.readString(Manifests.DOCKERFILE);
    List<String> stages = text.lines().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(stages).containsExactly("FROM ${BUILD_IMAGE} AS build", "FROM ${RUNTIME_IMAGE}");
    // The bases are build arguments (ContainerImageIT passes local ones); their defaults are the registry's.
    Map<String, String> args = text.substring(0, text.indexOf("\nFROM ")).lines().filter(l -> l.startsWith("ARG "))
        .map(l -> l.substring(4).split("=", 2)).collect(Collectors.toMap(a -> a[0], a -> a[1]));
    assertThat(args).containsOnlyKeys("BUILD_IMAGE", "RUNTIME_IMAGE");
    assertThat(args.get("BUILD_IMAGE")).contains("maven:").contains("temurin-17");
    assertThat(args.get("RUNTIME_IMAGE")).contains("temurin:17-jre");
    assertThat(text).contains("RUN mvn -B -q -DskipTests -pl node -am package");
    // node/pom.xml's finalName and the shade plugin's output: node/target/herald.jar
    assertThat(Files.readString(Manifests.ROOT.resolve("node").resolve("pom.xml"))).contains("<finalName>herald</finalName>");

    Manifests.Image image = Manifests.image();

    assertThat(image.copies()).containsEntry("/src/node/target/herald.jar", "/opt/herald/herald.jar");
    assertThat(image.entrypoint()).startsWith("java").endsWith("-jar", "/opt/herald/herald.jar")
        .anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage="));
    assertThat(image.user()).isEqualTo("10001:10001");
  }

  @Test
  void runsWhatTheDeploymentRunsWithTheConfigItMounts() throws IOException {
    Manifests.Image image = Manifests.image();
    for (String overlay : Manifests.OVERLAYS) {
      Rendered rendered = Manifests.render(overlay);
      JsonObject pod = rendered.podSpec().getJsonObject("securityContext");
      assertThat(pod.getBoolean("runAsNonRoot")).isTrue();
      assertThat(pod.getInteger("runAsUser") + ":" + pod.getInteger("runAsGroup")).isEqualTo(image.user());
      assertThat(rendered.container().getJsonArray("command")).as("the image's entrypoint is used").isNull();
      JsonArray args = rendered.container().getJsonArray("args");
      assertThat(args.getList()).containsExactlyElementsOf(image.cmd());

      String mount = rendered.mountPath("config");
      for (String file : rendered.configFiles().fieldNames()) {
        assertThat(image.copies()).as("the image's default for the mounted " + file)
            .containsEntry("k8s/base/" + file, mount + "/" + file);
        assertThat(Files.readString(Manifests.K8S.resolve("base").resolve(file))).isEqualTo(rendered.configFiles().getString(file));
      }
    }
  }
}
