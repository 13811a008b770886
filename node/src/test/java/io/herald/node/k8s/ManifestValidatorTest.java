package io.herald.node.k8s;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline validator ({@code k8s/validate/validate.mjs}) that every rendered overlay goes through
 * rejects what Kubernetes would reject or silently drop: a wrong type, a missing required field, a
 * misspelt field at any depth, a kind it has no schema for; and accepts a valid object.
 */
class ManifestValidatorTest {

  private static final String SERVICE = """
      apiVersion: v1
      kind: Service
      metadata:
        name: s
      spec:
        selector:
          app: a
        ports:
          - name: http
            port: 8080
            targetPort: http
      """;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "a port that is not a number   | port: 8080          | port: eight       | must be integer",
      "a misspelt field, deep inside | targetPort: http    | targetPrt: http   | targetPrt",
      "a misspelt spec field         | selector:           | selectr:          | selectr",
      "a missing required field      | port: 8080          | # no port         | ports/0 must have required property port",
      "a kind it does not know       | kind: Service       | kind: Servce      | no schema for this kind",
  })
  void rejects(String what, String valid, String broken, String error) {
    assertThat(Manifests.validationErrors(SERVICE.replace(valid, broken))).contains(error);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "the object as written | port: 8080 | port: 8080",
      "a named target port   | targetPort: http | targetPort: 8080",
  })
  void accepts(String what, String valid, String variant) {
    assertThat(Manifests.validationErrors(SERVICE.replace(valid, variant))).isEmpty();
  }
}
