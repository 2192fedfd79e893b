package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JournalIndexTest {
    private record Key(long msb, long lsb) {
    }

    private record Entry(long state, long first, long second) {
    }

    @Test
    void matchesAMapThroughGrowthUpdatesAndShedding() {
        Random random = new Random(42);
        JournalIndex index = new JournalIndex();
        Map<Key, Entry> model = new HashMap<>();
        List<Key> pool = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            // Pairs that share a half, and keys that differ in a few low bits only.
            pool.add(new Key(i % 7 == 0 ? 0x4000L : random.nextLong(), i % 5 == 0 ? i : random.nextLong()));
        }
        long seq = 0;
        for (int step = 0; step < 40_000; step++) {
            if (step % 4_000 == 3_999) {
                long through = seq - 1 - random.nextInt(3_000);
                index.retainAbove(through);
                model.values().removeIf(e -> e.state() >>> 2 <= through);
            } else {
                Key k = pool.get(random.nextInt(pool.size()));
                long state = ++seq << 2 | random.nextInt(3);
                long first = random.nextLong();
                long second = random.nextLong();
                index.put(k.msb(), k.lsb(), state, first, second);
                model.put(k, new Entry(state, first, second));
            }
            if (step % 1_000 == 0 || step % 4_000 == 3_999) {
                assertMatches(index, model, pool);
            }
        }
        assertMatches(index, model, pool);
        index.retainAbove(seq);
        assertThat(index.size()).as("every row at or below the last").isZero();
        assertThat(index.state(pool.get(0).msb(), pool.get(0).lsb())).isEqualTo(JournalIndex.ABSENT);
    }

    private static void assertMatches(JournalIndex index, Map<Key, Entry> model, List<Key> pool) {
        assertThat(index.size()).isEqualTo(model.size());
        for (Key k : pool) {
            Entry e = model.get(k);
            int slot = index.slotOf(k.msb(), k.lsb());
            if (e == null) {
                assertThat(index.state(k.msb(), k.lsb())).as("%s", k).isEqualTo(JournalIndex.ABSENT);
                assertThat(slot).isNegative();
            } else {
                assertThat(index.state(k.msb(), k.lsb())).as("%s", k).isEqualTo(e.state());
                assertThat(slot).isNotNegative();
                assertThat(index.firstAt(slot)).isEqualTo(e.first());
                assertThat(index.secondAt(slot)).isEqualTo(e.second());
            }
        }
        Map<Key, Long> visited = new HashMap<>();
        index.forEach((msb, lsb, state) -> assertThat(visited.put(new Key(msb, lsb), state)).as("visited once").isNull());
        Map<Key, Long> expected = new HashMap<>();
        model.forEach((k, e) -> expected.put(k, e.state()));
        assertThat(visited).isEqualTo(expected);
    }

    @Test
    void readersWithoutALockNeverMissAnAgentWhileTheTableGrowsAndShedsEntries() throws Exception {
        JournalIndex index = new JournalIndex();
        int agents = 400_000;
        // Agent k has row k + 1 (key k, ~k); agent 0 is there before the readers start.
        index.put(0, ~0L, 1L << 2, 0, 0);
        AtomicLong inserted = new AtomicLong(0);
        // A retain through t drops the agents below t. Set before the retain.
        AtomicLong droppedBelow = new AtomicLong(0);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong lookups = new AtomicLong();
        AtomicLong scans = new AtomicLong();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!done.get() && failures.size() < 10) {
                    long low = droppedBelow.get();
                    long high = inserted.get();
                    if (high < low) {
                        continue;
                    }
                    long k = low + random.nextLong(high - low + 1);
                    long state = index.state(k, ~k);
                    lookups.incrementAndGet();
                    if (state >>> 2 != k + 1 && droppedBelow.get() <= k) {
                        failures.add("agent " + k + " (inserted up to " + high + ", dropped below " + low + "): state " + state);
                    }
                }
            }));
        }
        // The sorting thread's way: a scan visits every agent that was there when it began and stayed.
        readers.add(new Thread(() -> {
            while (!done.get() && failures.size() < 10) {
                long high = inserted.get();
                long low = droppedBelow.get();
                BitSet visited = new BitSet(agents);
                index.forEach((msb, lsb, state) -> {
                    if (lsb != ~msb || state >>> 2 != msb + 1 || visited.get((int) msb)) {
                        failures.add("scan: key " + msb + "/" + lsb + " state " + state + (visited.get((int) msb) ? " twice" : ""));
                    }
                    visited.set((int) msb);
                });
                scans.incrementAndGet();
                long stayedFrom = Math.max(low, droppedBelow.get());
                int missing = visited.nextClearBit((int) stayedFrom);
                if (missing <= high) {
                    failures.add("scan: agent " + missing + " missing (inserted up to " + high + ", dropped below " + stayedFrom + ")");
                }
            }
        }));
        readers.forEach(Thread::start);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((lookups.get() < 100 || scans.get() < 1) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            for (long k = 1; k < agents; k++) {
                // Every other agent's row twice: the second put overwrites in place (another kind, the same row).
                index.put(k, ~k, (k + 1) << 2, 0, 0);
                if (k % 2 == 0) {
                    index.put(k, ~k, (k + 1) << 2 | 1, 0, 0);
                }
                inserted.set(k);
                if (k % 50_000 == 49_999) {
                    long below = k - 20_000;
                    droppedBelow.set(below);
                    index.retainAbove(below);
                }
            }
        } finally {
            done.set(true);
            for (Thread reader : readers) {
                reader.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(reader.isAlive()).as("a reader stuck in a probe").isFalse();
            }
        }
        assertThat(failures).isEmpty();
        assertThat(lookups.get()).as("lookups while the writer ran").isGreaterThan(100);
        assertThat(scans.get()).as("scans while the writer ran").isPositive();
        assertThat(index.size()).isEqualTo(agents - (int) droppedBelow.get());
    }

    @Test
    void reserveMakesRoomOnceAndFitGivesBackWhatTheEntriesDidNotNeed() {
        JournalIndex index = new JournalIndex();
        index.put(1, 1, 4, 10, 20);
        index.reserve(100_000);
        int reserved = index.slots();
        assertThat(reserved).as("three quarters of it hold 100,000").isGreaterThanOrEqualTo(133_334).isLessThan(2 * 133_334);
        assertThat(index.state(1, 1)).as("an entry made before the reserve").isEqualTo(4);
        for (int i = 2; i <= 100_000; i++) {
            index.put(i, -i, (long) i << 2, i, -i);
        }
        assertThat(index.slots()).as("no growth for the reserved entries").isEqualTo(reserved);
        index.reserve(10);
        assertThat(index.slots()).as("a smaller reserve changes nothing").isEqualTo(reserved);
        index.fit();
        assertThat(index.slots()).as("full enough already").isEqualTo(reserved);

        JournalIndex sparse = new JournalIndex();
        sparse.reserve(100_000);
        for (int i = 1; i <= 1_000; i++) {
            sparse.put(i, -i, (long) i << 2, i, -i);
        }
        sparse.fit();
        assertThat(sparse.slots()).as("the smallest table for 1,000 entries").isEqualTo(2_048);
        assertThat(sparse.size()).isEqualTo(1_000);
        for (int i = 1; i <= 1_000; i++) {
            int slot = sparse.slotOf(i, -i);
            assertThat(sparse.state(i, -i)).isEqualTo((long) i << 2);
            assertThat(sparse.firstAt(slot)).isEqualTo(i);
            assertThat(sparse.secondAt(slot)).isEqualTo(-i);
        }
        sparse.put(5_000, 5, 5_000L << 2, 0, 0);
        assertThat(sparse.state(5_000, 5)).as("it grows again as usual").isEqualTo(5_000L << 2);
    }

    @Test
    void aStateOfZeroIsRefused() {
        JournalIndex index = new JournalIndex();
        assertThatThrownBy(() -> index.put(1, 2, JournalIndex.ABSENT, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(index.size()).isZero();
    }
}
