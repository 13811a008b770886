package io.herald.core;

import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers of [0-9a-z]: channel epochs, client and node ids. They never need JSON escaping. */
public final class RandomIds {

  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private RandomIds() {
  }

  public static String epoch() {
    return next(10);
  }

  public static String next(int length) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }
}
