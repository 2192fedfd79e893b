package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.ERROR_QUERY;
import static io.seqguard.storage.tck.Capability.ERROR_TABLE;
import static io.seqguard.storage.tck.Capability.PURGE;
import static io.seqguard.storage.tck.Capability.RESET;
import static io.seqguard.storage.tck.TestAgents.agent;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestErrors.error;
import static io.seqguard.storage.tck.TestTimes.T0;
import static io.seqguard.storage.tck.TestTimes.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two server nodes on one database (SPEC §3 and §4: atomic per GUID, the hourly cap exact and
 * purged rows counted once, across nodes): the store under test and a peer the backend opens on
 * the same database ({@link SequenceStoreContract#createPeerStore}). Skipped, with a message,
 * for a backend that one node owns alone.
 */
public interface MultiNodeContract extends StoreFixture {
    private SequenceStore node(int i) {
        return i % 2 == 0 ? store() : peer().orElseThrow();
    }

    private void requirePeer() {
        assumeTrue(peer().isPresent(), "the backend opens no second node on the same database (createPeerStore returns null)");
    }

    @Test
    default void aNumberAcceptedOnOneNodeIsStaleOnTheOther() {
        requirePeer();
        SequenceStore a = store();
        SequenceStore b = peer().orElseThrow();
        AgentGuid g = guid(1);

        assertThat(a.checkAndAdvance(agent(g), 5, SequencePolicy.STRICT, T0)).isEqualTo(CheckResult.registered());
        assertThat(b.checkAndAdvance(agent(g), 5, SequencePolicy.STRICT, T0)).as("the replay on the other node").isEqualTo(CheckResult.stale(5));
        assertThat(b.checkAndAdvance(agent(g), 6, SequencePolicy.STRICT, T0)).isEqualTo(CheckResult.accepted(5));
        assertThat(a.checkAndAdvance(agent(g), 6, SequencePolicy.STRICT, T0)).as("no node answers from a stale copy").isEqualTo(CheckResult.stale(6));
        if (!lacks(RESET)) {
            assertThat(b.reset(g)).isTrue();
            assertThat(a.checkAndAdvance(agent(g), 1, SequencePolicy.STRICT, T0)).as("a reset on one node holds on the other")
                    .isEqualTo(CheckResult.registered());
        }
    }

    @Test
    default void identicalNumbersRacedOnTwoNodesAreAcceptedOnce() {
        requirePeer();
        AgentGuid g = guid(7);
        try (Race race = new Race(ConcurrencyContract.RACERS)) {
            for (int r = 0; r < Math.min(rounds(), 50); r++) {
                long round = r;
                List<CheckResult> results = race.run(i -> node(i).checkAndAdvance(agent(g), round, SequencePolicy.STRICT, T0));
                CheckResult winner = round == 0 ? CheckResult.registered() : CheckResult.accepted(round - 1);
                assertThat(results).as("round %d", round).filteredOn(result -> result.verdict() != Verdict.STALE).containsExactly(winner);
                assertThat(results).as("round %d", round).filteredOn(result -> result.verdict() == Verdict.STALE)
                        .hasSize(ConcurrencyContract.RACERS - 1).allMatch(result -> result.equals(CheckResult.stale(round)));
            }
        }
    }

    @Test
    default void identicalAsyncCheckInsOnTwoNodesAreAcceptedOnce() throws Exception {
        requirePeer();
        AgentGuid g = guid(8);
        for (int r = 0; r < Math.min(rounds(), 50); r++) {
            List<CompletableFuture<CheckResult>> stages = new ArrayList<>();
            for (int i = 0; i < ConcurrencyContract.RACERS; i++) {
                stages.add(node(i).checkAndAdvanceAsync(agent(g), r, SequencePolicy.STRICT, T0).toCompletableFuture());
            }
            List<CheckResult> results = new ArrayList<>();
            for (var stage : stages) {
                results.add(stage.get(30, TimeUnit.SECONDS));
            }
            long round = r;
            CheckResult winner = round == 0 ? CheckResult.registered() : CheckResult.accepted(round - 1);
            assertThat(results).as("round %d", round).filteredOn(result -> result.verdict() != Verdict.STALE).containsExactly(winner);
            assertThat(results).as("round %d", round).filteredOn(result -> result.verdict() == Verdict.STALE)
                    .allMatch(result -> result.equals(CheckResult.stale(round)));
        }
    }

    @Test
    default void theHourlyCapIsExactAcrossNodes() {
        requirePeer();
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        int cap = 40;
        List<Integer> written;
        try (Race race = new Race(16)) {
            written = race.run(w -> {
                int mine = 0;
                for (int i = 0; i < 10; i++) {
                    if (node(w).recordError(error(guid(w), T0.plusSeconds(w * 10L + i)), cap)) {
                        mine++;
                    }
                }
                return mine;
            });
        }
        assertThat(written.stream().mapToInt(Integer::intValue).sum()).as("calls that returned true, both nodes").isEqualTo(cap);
        assertThat(store().findErrors(new ErrorQuery(null, T0, hour(1), ErrorQuery.MAX_LIMIT))).hasSize(cap);
        assertThat(peer().orElseThrow().findErrors(new ErrorQuery(null, T0, hour(1), ErrorQuery.MAX_LIMIT))).as("as the other node sees it")
                .hasSize(cap);
    }

    @Test
    default void purgesOnTwoNodesCountEachRowOnce() {
        requirePeer();
        if (!supports(ERROR_TABLE, PURGE, ERROR_QUERY)) {
            return;
        }
        int old = 120;
        for (int i = 0; i < old; i++) {
            node(i).recordError(error(guid(i % 5), hour(i % 4).plusMillis(i)), 1_000);
        }
        Instant cutoff = hour(10);
        ErrorQuery before = new ErrorQuery(null, null, cutoff, ErrorQuery.MAX_LIMIT);
        assertThat(store().findErrors(before)).as("each node sees the rows both wrote").hasSize(old);
        assertThat(peer().orElseThrow().findErrors(before)).as("each node sees the rows both wrote").hasSize(old);
        List<Long> deleted;
        try (Race race = new Race(4)) {
            deleted = race.run(i -> node(i).purgeErrorsBefore(cutoff));
        }
        assertThat(deleted.stream().mapToLong(Long::longValue).sum()).isEqualTo(old);
        assertThat(store().findErrors(before)).isEmpty();
        assertThat(peer().orElseThrow().findErrors(before)).isEmpty();
    }
}
