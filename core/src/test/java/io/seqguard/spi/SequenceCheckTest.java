package io.seqguard.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SequenceCheckTest {

    /** The rule of SPEC §3 written the obvious way: remember every accepted number. */
    private static final class ReferenceModel {
        private final int window;
        private final Set<Long> accepted = new HashSet<>();
        private long last = -1;

        ReferenceModel(int window) {
            this.window = window;
        }

        boolean offer(long received) {
            boolean ok;
            if (last < 0 || received > last) {
                ok = true;
            } else if (window == 0) {
                ok = false;
            } else {
                ok = last - window < received && !accepted.contains(received);
            }
            if (ok) {
                accepted.add(received);
                last = Math.max(last, received);
            }
            return ok;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 63, 64, 65, 100, 1000, 4096})
    void agreesWithReferenceModelOverRandomSequences(int window) {
        Random random = new Random(4242L + window);
        for (int round = 0; round < 20; round++) {
            ReferenceModel model = new ReferenceModel(window);
            SequenceState state = null;
            long base = random.nextBoolean() ? 0 : Math.abs(random.nextLong() % (Long.MAX_VALUE / 2));
            long cursor = base;
            for (int i = 0; i < 5_000; i++) {
                long received = next(random, cursor, window);
                cursor = Math.max(cursor, received);
                boolean expected = model.offer(received);
                SequenceState next = state == null ? SequenceCheck.register(received, window) : SequenceCheck.advance(state, received, window);
                assertThat(next != null).as("window %d, step %d, received %d, last %s", window, i, received, state).isEqualTo(expected);
                if (next != null) {
                    // Persist and restore on every step, as a store would.
                    state = SequenceState.restore(next.last(), next.ringBytes());
                    assertThat(state).isEqualTo(next);
                }
            }
        }
    }

    private static long next(Random random, long cursor, int window) {
        int span = Math.max(window, 8) * 2;
        return switch (random.nextInt(10)) {
            case 0 -> cursor + 1 + random.nextInt(span * 40);          // jump, often past the whole window
            case 1, 2, 3 -> cursor + 1 + random.nextInt(3);            // in order
            case 4 -> cursor;                                          // replay of the newest
            default -> Math.max(0, cursor - random.nextInt(span));     // out of order, inside or beyond the window
        };
    }

    @Test
    void strictAcceptsOnlyHigher() {
        SequenceState s = SequenceCheck.register(5, 0);
        assertThat(SequenceCheck.advance(s, 5, 0)).isNull();
        assertThat(SequenceCheck.advance(s, 4, 0)).isNull();
        assertThat(SequenceCheck.advance(s, 6, 0).last()).isEqualTo(6);
        assertThat(s.hasRing()).isFalse();
    }

    @Test
    void edgesOfTheNumberRange() {
        SequenceState zero = SequenceCheck.register(0, 0);
        assertThat(SequenceCheck.advance(zero, 0, 0)).isNull();
        SequenceState max = SequenceCheck.advance(zero, Long.MAX_VALUE, 0);
        assertThat(max.last()).isEqualTo(Long.MAX_VALUE);
        assertThat(SequenceCheck.advance(max, Long.MAX_VALUE, 0)).isNull();

        SequenceState wmax = SequenceCheck.register(Long.MAX_VALUE, 4096);
        assertThat(SequenceCheck.advance(wmax, Long.MAX_VALUE, 4096)).isNull();
        assertThat(SequenceCheck.advance(wmax, Long.MAX_VALUE - 4095, 4096)).isNotNull();
        assertThat(SequenceCheck.advance(wmax, Long.MAX_VALUE - 4096, 4096)).isNull();
        assertThatThrownBy(() -> SequenceCheck.register(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oldestSlotOfTheWindowIsAcceptedOnceAndOnePastIsRejected() {
        SequenceState s = SequenceCheck.register(1000, 10);
        SequenceState oldest = SequenceCheck.advance(s, 991, 10);
        assertThat(oldest).isNotNull();
        assertThat(SequenceCheck.advance(oldest, 991, 10)).isNull();
        assertThat(SequenceCheck.advance(s, 990, 10)).isNull();
    }

    @Test
    void aJumpPastTheWholeWindowForgetsTheOldRing() {
        SequenceState s = SequenceCheck.register(10, 64);
        s = SequenceCheck.advance(s, 11, 64);
        s = SequenceCheck.advance(s, 10_000, 64);
        assertThat(s.last()).isEqualTo(10_000);
        // 9_990 was never accepted and lies inside the window: accepted once.
        SequenceState inside = SequenceCheck.advance(s, 9_990, 64);
        assertThat(inside).isNotNull();
        assertThat(SequenceCheck.advance(inside, 9_990, 64)).isNull();
        assertThat(SequenceCheck.advance(s, 10_000, 64)).isNull();
    }

    @Test
    void changingTheWindowSizeNeverReopensAcceptedNumbers() {
        SequenceState strict = SequenceCheck.register(500, 0);
        assertThat(SequenceCheck.advance(strict, 499, 100)).as("numbers below a strict state count as seen").isNull();
        SequenceState w = SequenceCheck.register(500, 64);
        w = SequenceCheck.advance(w, 498, 64);
        assertThat(SequenceCheck.advance(w, 498, 4096)).isNull();
        assertThat(SequenceCheck.advance(w, 501, 4096)).isNotNull();
    }

    @Test
    void afterAChangeOfModeOnlyNumbersUpToLastCountAsSeen() {
        // 100 and 120 share a 64-number block with 110, which was never accepted.
        for (int window : new int[] {64, 16, 4096}) {
            SequenceState fromStrict = SequenceCheck.register(100, 0);
            SequenceState advanced = SequenceCheck.advance(fromStrict, 120, window);
            assertThat(advanced).as("120 after strict 100, window %d", window).isNotNull();
            SequenceState inside = SequenceCheck.advance(advanced, 110, window);
            assertThat(inside).as("110 was never accepted, window %d", window).isNotNull();
            assertThat(SequenceCheck.advance(inside, 110, window)).as("110 twice").isNull();
            assertThat(SequenceCheck.advance(inside, 100, window)).as("100, accepted in strict mode").isNull();
            assertThat(SequenceCheck.advance(inside, 119, window)).as("119, never accepted").isNotNull();
            // Straight from the strict state, below and above last.
            assertThat(SequenceCheck.advance(fromStrict, 100, window)).isNull();
            assertThat(SequenceCheck.advance(fromStrict, 95, window)).isNull();
            assertThat(SequenceCheck.advance(fromStrict, 101, window)).isNotNull();
        }
        // A window-size change: 127 ends its block, 128 starts the next one.
        for (long last : new long[] {127, 128, 63, 64, 0}) {
            SequenceState w = SequenceCheck.register(last, 64);
            SequenceState bigger = SequenceCheck.advance(w, last + 2, 256);
            assertThat(bigger).as("last %d + 2", last).isNotNull();
            assertThat(SequenceCheck.advance(bigger, last + 1, 256)).as("last %d + 1, never accepted", last).isNotNull();
            assertThat(SequenceCheck.advance(bigger, last, 256)).as("last %d itself", last).isNull();
        }
    }

    @Test
    void restoreRejectsDamagedState() {
        assertThatThrownBy(() -> SequenceState.restore(1, new byte[7])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceState.restore(-1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SequenceState.restore(3, null)).isEqualTo(SequenceState.strict(3));
    }
}
