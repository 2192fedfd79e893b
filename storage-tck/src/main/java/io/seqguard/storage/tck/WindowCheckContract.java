package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.WINDOW_MODE;
import static io.seqguard.storage.tck.TestAgents.guid;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.CheckResult;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Check semantics in window mode (SPEC §3): with window W, a number above {@code last} slides
 * the window; one in {@code (last - W, last]} is accepted once; anything older is stale.
 */
public interface WindowCheckContract extends StoreFixture {
    @Test
    default void numbersInsideTheWindowAreAcceptedOnceAndLastStays() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);

        assertThat(check(a, 100, 64)).isEqualTo(CheckResult.registered());
        assertThat(check(a, 99, 64)).isEqualTo(CheckResult.accepted(100));
        assertThat(check(a, 99, 64)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 100, 64)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 101, 64)).isEqualTo(CheckResult.accepted(100));
    }

    @Test
    default void oldestSlotIsAcceptedAndOnePastItIsStale() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100, 64);

        // The window of 64 below 100 is 37..100.
        assertThat(check(a, 37, 64)).isEqualTo(CheckResult.accepted(100));
        assertThat(check(a, 36, 64)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 37, 64)).isEqualTo(CheckResult.stale(100));
    }

    @Test
    default void outOfOrderNumbersInsideTheWindowAreAllAccepted() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100, 64);
        assertThat(check(a, 105, 64)).isEqualTo(CheckResult.accepted(100));

        for (long n : new long[] {103, 101, 104, 102}) {
            assertThat(check(a, n, 64)).as("first arrival of %d", n).isEqualTo(CheckResult.accepted(105));
        }
        for (long n = 100; n <= 105; n++) {
            assertThat(check(a, n, 64)).as("replay of %d", n).isEqualTo(CheckResult.stale(105));
        }
    }

    @Test
    default void slidingKeepsNumbersStillInsideAndDropsThoseThatLeft() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100, 64);
        check(a, 90, 64);

        assertThat(check(a, 120, 64)).isEqualTo(CheckResult.accepted(100));
        assertThat(check(a, 90, 64)).as("replay still inside the window").isEqualTo(CheckResult.stale(120));
        assertThat(check(a, 91, 64)).isEqualTo(CheckResult.accepted(120));
        assertThat(check(a, 56, 64)).as("left the window").isEqualTo(CheckResult.stale(120));
        assertThat(check(a, 57, 64)).isEqualTo(CheckResult.accepted(120));
    }

    @Test
    default void jumpPastTheWholeWindowLeavesNoOldMarks() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100, 64);
        for (long n = 37; n < 100; n++) {
            check(a, n, 64);
        }
        long top = 100 + 10 * 64 + 7;

        assertThat(check(a, top, 64)).isEqualTo(CheckResult.accepted(100));
        assertThat(check(a, 100, 64)).isEqualTo(CheckResult.stale(top));
        assertThat(check(a, top - 64, 64)).isEqualTo(CheckResult.stale(top));
        // Marks left by 37..100 must not make any fresh number of the new window look replayed.
        for (long n = top - 63; n < top; n++) {
            assertThat(check(a, n, 64)).as("first arrival of %d", n).isEqualTo(CheckResult.accepted(top));
        }
        for (long n = top - 63; n <= top; n++) {
            assertThat(check(a, n, 64)).as("replay of %d", n).isEqualTo(CheckResult.stale(top));
        }
    }

    @Test
    default void windowOfOneBehavesLikeStrict() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 10, 1);

        assertThat(check(a, 10, 1)).isEqualTo(CheckResult.stale(10));
        assertThat(check(a, 9, 1)).isEqualTo(CheckResult.stale(10));
        assertThat(check(a, 11, 1)).isEqualTo(CheckResult.accepted(10));
        assertThat(check(a, 10, 1)).isEqualTo(CheckResult.stale(11));
    }

    @Test
    default void windowOf4096ReachesItsOldestSlot() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 10_000, 4096);

        assertThat(check(a, 5_905, 4096)).isEqualTo(CheckResult.accepted(10_000));
        assertThat(check(a, 5_904, 4096)).isEqualTo(CheckResult.stale(10_000));
        assertThat(check(a, 5_905, 4096)).isEqualTo(CheckResult.stale(10_000));
        assertThat(check(a, 9_999, 4096)).isEqualTo(CheckResult.accepted(10_000));
        long top = 10_000 + 3 * 4096;
        assertThat(check(a, top, 4096)).isEqualTo(CheckResult.accepted(10_000));
        assertThat(check(a, top - 4095, 4096)).isEqualTo(CheckResult.accepted(top));
        assertThat(check(a, top - 4096, 4096)).isEqualTo(CheckResult.stale(top));
        assertThat(check(a, 9_999, 4096)).isEqualTo(CheckResult.stale(top));
    }

    @Test
    default void zeroAndLongMaxValueWorkInWindowMode() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid low = guid(1);
        assertThat(check(low, 0, 64)).isEqualTo(CheckResult.registered());
        assertThat(check(low, 0, 64)).isEqualTo(CheckResult.stale(0));
        assertThat(check(low, 1, 64)).isEqualTo(CheckResult.accepted(0));
        assertThat(check(low, 0, 64)).isEqualTo(CheckResult.stale(1));

        AgentGuid high = guid(2);
        long max = Long.MAX_VALUE;
        check(high, max - 10, 64);
        assertThat(check(high, max, 64)).isEqualTo(CheckResult.accepted(max - 10));
        assertThat(check(high, max - 5, 64)).isEqualTo(CheckResult.accepted(max));
        assertThat(check(high, max - 5, 64)).isEqualTo(CheckResult.stale(max));
        assertThat(check(high, max - 10, 64)).isEqualTo(CheckResult.stale(max));
        assertThat(check(high, max - 63, 64)).isEqualTo(CheckResult.accepted(max));
        assertThat(check(high, max - 64, 64)).isEqualTo(CheckResult.stale(max));
        assertThat(check(high, max, 64)).isEqualTo(CheckResult.stale(max));
    }

    @Test
    default void changingTheWindowSizeBetweenCallsStaysReplaySafe() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100, 64);
        check(a, 90, 64);

        // Wider window: nothing accepted before may come back.
        assertThat(check(a, 90, 128)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 100, 128)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 101, 128)).isEqualTo(CheckResult.accepted(100));
        // To strict and back.
        assertThat(check(a, 101, 0)).isEqualTo(CheckResult.stale(101));
        assertThat(check(a, 102, 0)).isEqualTo(CheckResult.accepted(101));
        assertThat(check(a, 102, 64)).isEqualTo(CheckResult.stale(102));
        assertThat(check(a, 101, 64)).isEqualTo(CheckResult.stale(102));
        assertThat(check(a, 90, 64)).isEqualTo(CheckResult.stale(102));
        assertThat(check(a, 103, 64)).isEqualTo(CheckResult.accepted(102));
        // Narrower window.
        assertThat(check(a, 103, 8)).isEqualTo(CheckResult.stale(103));
        assertThat(check(a, 200, 8)).isEqualTo(CheckResult.accepted(103));
        assertThat(check(a, 195, 8)).isEqualTo(CheckResult.accepted(200));
        assertThat(check(a, 195, 4096)).isEqualTo(CheckResult.stale(200));
        assertThat(check(a, 200, 4096)).isEqualTo(CheckResult.stale(200));
    }

    @Test
    default void randomTrafficMatchesTheReferenceModel() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        // 100 is not a multiple of the 64-bit words, 64 is exactly one.
        for (int window : new int[] {64, 100}) {
            AgentGuid a = guid(window);
            Random random = new Random(20240301L + window);
            Set<Long> acceptedInModel = new HashSet<>();
            long last = -1;
            for (int step = 0; step < 600; step++) {
                long n = last < 0 ? 1000 : Math.max(0, last + random.nextInt(-window - 16, 24));
                CheckResult expected;
                if (last < 0) {
                    expected = CheckResult.registered();
                } else if (n > last) {
                    expected = CheckResult.accepted(last);
                } else if (last - n < window && !acceptedInModel.contains(n)) {
                    expected = CheckResult.accepted(last);
                } else {
                    expected = CheckResult.stale(last);
                }
                assertThat(check(a, n, window)).as("window %d, step %d, number %d", window, step, n).isEqualTo(expected);
                if (expected.verdict().accepted()) {
                    acceptedInModel.add(n);
                    last = Math.max(last, n);
                }
            }
        }
    }
}
