package io.herald.load.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery accounting of one subscriber: delivered, missing, duplicated, out of order. */
class DeliveryLedgerTest {

  @ParameterizedTest(name = "from {0}, received [{1}], up to {2}")
  @CsvSource(delimiter = '|', textBlock = """
      # first | offsets received  | last | received | delivered | missing | duplicated | out of order
        1     | 1 2 3 4 5         | 5    | 5        | 5         | 0       | 0          | 0
        1     | 1 2 4 5           | 5    | 4        | 4         | 1       | 0          | 0
        1     | 1 2 3             | 6    | 3        | 3         | 3       | 0          | 0
        1     | 1 2 2 3 3 3       | 3    | 6        | 3         | 0       | 3          | 0
        1     | 1 3 2 4           | 4    | 4        | 4         | 0       | 0          | 1
        1     | 5 4 3 2 1         | 5    | 5        | 5         | 0       | 0          | 4
        1     | 1 3 1 2           | 3    | 4        | 3         | 0       | 1          | 1
        10    | 3 9 10 11 12      | 12   | 3        | 3         | 0       | 0          | 0
        10    | 20 9 10           | 12   | 2        | 2         | 2       | 0          | 1
        10    | 11                | 9    | 1        | 1         | 0       | 0          | 0
      """)
  void accounts(long first, String offsets, long last, long received, long delivered, long missing, long duplicated,
                long outOfOrder) {
    DeliveryLedger ledger = new DeliveryLedger(first);
    Arrays.stream(offsets.trim().split(" +")).mapToLong(Long::parseLong).forEach(ledger::received);
    assertThat(ledger.received()).as("received").isEqualTo(received);
    assertThat(ledger.delivered()).as("delivered").isEqualTo(delivered);
    assertThat(ledger.missing(last)).as("missing").isEqualTo(missing);
    assertThat(ledger.duplicated()).as("duplicated").isEqualTo(duplicated);
    assertThat(ledger.outOfOrder()).as("out of order").isEqualTo(outOfOrder);
  }
}
