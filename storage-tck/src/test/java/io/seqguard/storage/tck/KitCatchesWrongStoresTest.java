package io.seqguard.storage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.core.memory.InMemorySequenceStore;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.ForwardingSequenceStore;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Phase;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Tests the kit itself: plausible wrong stores, each right for the easy cases, fail the test
 * written for their mistake. Each is the in-memory store with one method done wrong.
 */
class KitCatchesWrongStoresTest {
    @Test
    void aCapCountedOnlyForTheCurrentHourFails() {
        SequenceStore currentHourOnly = new ForwardingSequenceStore(new InMemorySequenceStore()) {
            private Instant hour;
            private int count;

            @Override
            public synchronized boolean recordError(SequenceError error, int maxPerHour) {
                Instant errorHour = error.time().truncatedTo(ChronoUnit.HOURS);
                if (!errorHour.equals(hour)) {
                    hour = errorHour;
                    count = 0;
                }
                if (count >= maxPerHour) {
                    return false;
                }
                count++;
                return delegate().recordError(error, Integer.MAX_VALUE);
            }
        };
        Fixture kit = new Fixture(currentHourOnly);
        kit.eachClockHourHasItsOwnCap();

        assertThatThrownBy(kit::eachHourKeepsItsCapWhenErrorsOfTwoHoursInterleave).isInstanceOf(AssertionError.class);
    }

    @Test
    void aPurgeOfWholeHourBucketsFails() {
        SequenceStore hourBuckets = new ForwardingSequenceStore(new InMemorySequenceStore()) {
            @Override
            public long purgeErrorsBefore(Instant cutoff) {
                Instant hour = cutoff.truncatedTo(ChronoUnit.HOURS);
                return delegate().purgeErrorsBefore(hour.equals(cutoff) ? cutoff : hour.plus(Duration.ofHours(1)));
            }
        };
        Fixture kit = new Fixture(hourBuckets);
        kit.purgeDeletesRowsStrictlyBeforeTheCutoffAndReturnsTheCount();

        assertThatThrownBy(kit::purgeCutsInsideAnHourWhateverOrderTheRowsWereWrittenIn).isInstanceOf(AssertionError.class);
    }

    @Test
    void aLimitThatKeepsTheLastWrittenRowsFails() {
        SequenceStore lastWritten = new ForwardingSequenceStore(new InMemorySequenceStore()) {
            @Override
            public List<ErrorRow> findErrors(ErrorQuery query) {
                List<ErrorRow> all = delegate().findErrors(new ErrorQuery(query.guid(), query.since(), query.until(), ErrorQuery.MAX_LIMIT));
                return all.stream().sorted(Comparator.comparingLong(ErrorRow::autoId).reversed()).limit(query.limit())
                        .sorted(Comparator.comparing((ErrorRow row) -> row.error().time()).thenComparingLong(ErrorRow::autoId).reversed())
                        .toList();
            }
        };
        Fixture kit = new Fixture(lastWritten);
        kit.limitKeepsTheNewestRows();

        assertThatThrownBy(kit::limitKeepsTheNewestRowsWhateverOrderTheyWereWrittenIn).isInstanceOf(AssertionError.class);
    }

    @Test
    void aCursorThatComparesOnlyTheTimeFails() {
        SequenceStore timeOnly = new ForwardingSequenceStore(new InMemorySequenceStore()) {
            @Override
            public List<ErrorRow> findErrors(ErrorQuery query) {
                // "Older than the last row" skips the rest of its millisecond.
                ErrorQuery byTime = query.before() == null ? query
                        : new ErrorQuery(query.guid(), query.since(), query.before().time(), query.limit());
                return delegate().findErrors(byTime);
            }
        };
        Fixture kit = new Fixture(timeOnly);
        kit.sinceIsInclusiveAndUntilIsExclusive();

        assertThatThrownBy(kit::pagingWithTheCursorOfEachPagesLastRowReturnsEveryRowOnceInOrder).isInstanceOf(AssertionError.class);
    }

    @Test
    void aResetThatKeepsTheFirstSightingFails() {
        SequenceStore keepsFirstSeen = new ForwardingSequenceStore(new InMemorySequenceStore()) {
            private final Map<AgentGuid, Instant> firstSeen = new ConcurrentHashMap<>();

            @Override
            public CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
                firstSeen.putIfAbsent(agent.guid(), now);
                return delegate().checkAndAdvance(agent, received, policy, now);
            }

            @Override
            public Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince) {
                return delegate().agentInfo(guid, errorsSince).map(info -> new AgentInfo(info.guid(), info.last(), firstSeen.get(guid),
                        info.lastSeen(), info.lastNodeName(), info.lastMacAddress(), info.lastIpAddress(), info.recentErrors()));
            }
        };
        Fixture kit = new Fixture(keepsFirstSeen);
        kit.resetForgetsTheGuidSoItsNextRequestRegisters();

        assertThatThrownBy(kit::anAgentRegisteredAgainAfterAResetIsNewlySeen).isInstanceOf(AssertionError.class);
    }

    @Test
    void nodesThatDoNotShareTheirStateFail() {
        // Each node answers from its own memory: a replay sent to the other node gets through.
        MultiNodeContract kit = new MultiNodeContract() {
            private final SequenceStore a = new InMemorySequenceStore();
            private final SequenceStore b = new InMemorySequenceStore();

            @Override
            public SequenceStore store() {
                return a;
            }

            @Override
            public Optional<SequenceStore> peer() {
                return Optional.of(b);
            }

            @Override
            public boolean lacks(Capability capability) {
                return false;
            }

            @Override
            public int rounds() {
                return 5;
            }
        };

        assertThatThrownBy(kit::aNumberAcceptedOnOneNodeIsStaleOnTheOther).isInstanceOf(AssertionError.class);
        assertThatThrownBy(kit::identicalNumbersRacedOnTwoNodesAreAcceptedOnce).isInstanceOf(AssertionError.class);
        assertThatThrownBy(kit::identicalAsyncCheckInsOnTwoNodesAreAcceptedOnce).isInstanceOf(AssertionError.class);
        assertThatThrownBy(kit::theHourlyCapIsExactAcrossNodes).isInstanceOf(AssertionError.class);
        assertThatThrownBy(kit::purgesOnTwoNodesCountEachRowOnce).isInstanceOf(AssertionError.class);
    }

    @Test
    void aStoreWhoseStartFailedIsStoppedByTheKit() {
        FailingStart store = new FailingStart();
        SequenceStoreContract kit = new SequenceStoreContract() {
            @Override
            protected SequenceStore createStore() {
                return store;
            }
        };

        assertThatThrownBy(kit::startStore).hasMessage("migration failed");
        assertThat(store.stopped).as("stopped after its failed start, so it can close what it opened").isTrue();
    }

    /** The kit's areas under test, run directly on one store. */
    private record Fixture(SequenceStore store) implements HourlyCapContract, PurgeContract, ErrorQueryContract, ResetContract {
        @Override
        public boolean lacks(Capability capability) {
            return false;
        }

        @Override
        public int rounds() {
            return 20;
        }
    }

    private static final class FailingStart extends ForwardingSequenceStore implements Managed {
        private boolean stopped;

        FailingStart() {
            super(new InMemorySequenceStore());
        }

        @Override
        public Phase phase() {
            return Phase.STORAGE;
        }

        @Override
        public void start() {
            throw new IllegalStateException("migration failed");
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }
}
