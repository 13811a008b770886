# Herald's container image (docs/deploy.md). CI builds it with podman and smoke-tests it (ContainerImageIT);
# DockerfileTest checks that it copies the jar `mvn package` builds and the cluster config the manifests mount.
#   docker build --build-arg HERALD_COMMIT=$(git rev-parse --short HEAD) -t herald:0.1.0 .
#   docker run -p 8080:8080 herald:0.1.0 --port 8080      (standalone; the default command joins a cluster)
# The base images are build arguments: ContainerImageIT builds this file with podman from local Debian bases
# (no registry reachable there), `--build-arg BUILD_IMAGE=... --build-arg RUNTIME_IMAGE=...` (docs/deploy.md).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-jammy

# 1. Build: the node module and what it depends on, without tests (CI runs them).
FROM ${BUILD_IMAGE} AS build
# The context has no .git (.dockerignore): the commit herald_build_info and /api/info report comes from here.
ARG HERALD_COMMIT=unknown
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl node -am package -Dgit.commit.id.abbrev=${HERALD_COMMIT}

# 2. Run: a JRE 17, the shaded jar and the Kubernetes cluster config, as a non-root user.
FROM ${RUNTIME_IMAGE}
RUN groupadd --system --gid 10001 herald \
 && useradd --system --uid 10001 --gid herald --no-create-home --shell /usr/sbin/nologin herald
COPY --from=build /src/node/target/herald.jar /opt/herald/herald.jar
# Defaults that the herald-config ConfigMap replaces when mounted at /etc/herald.
COPY k8s/base/herald.json /etc/herald/herald.json
COPY k8s/base/cluster.xml /etc/herald/cluster.xml
USER 10001:10001
WORKDIR /opt/herald
# 8080: /ws, /graphql, /health/*. 9090: /api/*, /metrics (herald.json's admin.port). 5701: Hazelcast
# members, 5801: the event bus between members (both bound to cluster.host: the pod IP on Kubernetes).
EXPOSE 8080 9090 5701 5801
# Container-aware heap: 75 % of the memory limit from the start (the pod has it anyway: no resizing), the rest for
# metaspace, threads, direct buffers (Netty) and Hazelcast. G1 with a 20 ms pause goal: connect storms fill the young
# generation with connections that live, and shorter pauses keep the connect P99 down (docs/performance.md).
# Exit on OOM so Kubernetes restarts the pod instead of a half-working JVM.
ENTRYPOINT ["java", "-XX:InitialRAMPercentage=75", "-XX:MaxRAMPercentage=75", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/herald/herald.jar"]
CMD ["--cluster", "--config", "/etc/herald/herald.json"]
