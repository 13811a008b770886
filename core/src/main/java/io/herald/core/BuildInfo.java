package io.herald.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this build of Herald is: the Maven project version and the git commit it was built from, as the build wrote
 * them into {@code herald-build.properties} (core/pom.xml filters it; the commit comes from git-commit-id-maven-plugin).
 * Either is {@value #UNKNOWN} when the build could not tell: a build from a source tarball has no commit.
 *
 * @param version the project version ({@code 0.1.0-SNAPSHOT})
 * @param commit  the abbreviated commit id ({@code 648207b})
 */
public record BuildInfo(String version, String commit) {

  public static final String UNKNOWN = "unknown";

  private static final BuildInfo CURRENT = load();

  /** This build's. */
  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("herald-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(value(p.getProperty("version")), value(p.getProperty("commit")));
  }

  /** A value the build filled in, or unknown: missing, blank, or still the placeholder (the build had no such property). */
  static String value(String raw) {
    return raw == null || raw.isBlank() || raw.contains("${") ? UNKNOWN : raw.strip();
  }
}
