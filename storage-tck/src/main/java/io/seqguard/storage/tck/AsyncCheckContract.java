package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.ERROR_QUERY;
import static io.seqguard.storage.tck.Capability.ERROR_TABLE;
import static io.seqguard.storage.tck.Capability.WINDOW_MODE;
import static io.seqguard.storage.tck.TestAgents.agent;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestTimes.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code checkAndAdvanceAsync} (SPEC §3 through the non-blocking entry point): the same verdicts
 * and atomicity as the blocking call, with many check-ins in flight from one thread, and
 * dependent stages that may call the store again without a deadlock. Every wait is bounded, so a
 * store that never completes a stage fails the test instead of hanging it.
 */
public interface AsyncCheckContract extends StoreFixture {
    /** Agents with one check-in each in flight at once. */
    int IN_FLIGHT = 300;

    /** The stage's result, waiting at most 30 s. */
    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("the stage failed", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the stage did not complete within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private java.util.concurrent.CompletionStage<CheckResult> checkAsync(AgentGuid guid, long received) {
        return store().checkAndAdvanceAsync(agent(guid), received, SequencePolicy.STRICT, T0);
    }

    @Test
    default void asyncCheckInsGiveTheVerdictsOfTheBlockingCall() {
        AgentGuid a = guid(1);
        assertThat(await(checkAsync(a, 10))).isEqualTo(CheckResult.registered());
        assertThat(await(checkAsync(a, 11))).isEqualTo(CheckResult.accepted(10));
        assertThat(await(checkAsync(a, 11))).isEqualTo(CheckResult.stale(11));
        assertThat(await(checkAsync(a, 3))).isEqualTo(CheckResult.stale(11));
        // The blocking and the asynchronous path share one state.
        assertThat(check(a, 12)).isEqualTo(CheckResult.accepted(11));
        assertThat(await(checkAsync(a, 12))).isEqualTo(CheckResult.stale(12));
    }

    @Test
    default void manyCheckInsInFlightFromOneThreadAreAllDecided() {
        for (int wave = 1; wave <= 3; wave++) {
            List<java.util.concurrent.CompletionStage<CheckResult>> stages = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                stages.add(checkAsync(guid(i), wave));
            }
            for (int i = 0; i < IN_FLIGHT; i++) {
                CheckResult expected = wave == 1 ? CheckResult.registered() : CheckResult.accepted(wave - 1);
                assertThat(await(stages.get(i))).as("agent %d, wave %d", i, wave).isEqualTo(expected);
            }
        }
        for (int i = 0; i < IN_FLIGHT; i++) {
            assertThat(check(guid(i), 3)).as("agent %d", i).isEqualTo(CheckResult.stale(3));
        }
    }

    @Test
    default void exactlyOneOfIdenticalCheckInsInFlightTogetherIsAccepted() {
        AgentGuid a = guid(7);
        for (int r = 0; r < Math.min(rounds(), 50); r++) {
            long round = r;
            List<java.util.concurrent.CompletionStage<CheckResult>> stages = new ArrayList<>();
            for (int i = 0; i < ConcurrencyContract.RACERS; i++) {
                stages.add(checkAsync(a, round));
            }
            List<CheckResult> results = stages.stream().map(AsyncCheckContract::await).toList();

            assertThat(results).as("round %d", round)
                    .filteredOn(result -> result.verdict() != Verdict.STALE).hasSize(1);
            assertThat(results).as("round %d", round)
                    .filteredOn(result -> result.verdict() == Verdict.STALE).hasSize(ConcurrencyContract.RACERS - 1)
                    .allMatch(result -> result.equals(CheckResult.stale(round)));
        }
    }

    @Test
    default void asyncWindowCheckInsGiveTheVerdictsOfTheBlockingCall() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        // The same numbers, one agent through the blocking call and one through the asynchronous one.
        SequencePolicy window = SequencePolicy.window(8);
        AgentGuid blocking = guid(1);
        AgentGuid async = guid(2);
        long[] numbers = {10, 12, 11, 11, 3, 5, 4, 20, 13, 12, 21, 21, 19};
        for (long n : numbers) {
            CheckResult expected = store().checkAndAdvance(agent(blocking), n, window, T0);
            assertThat(await(store().checkAndAdvanceAsync(agent(async), n, window, T0))).as("number %d", n).isEqualTo(expected);
        }
        // A number far below the window is stale and names the agent's highest number.
        assertThat(check(async, 1, 8)).isEqualTo(CheckResult.stale(21));
    }

    @Test
    default void identicalWindowCheckInsInFlightTogetherAreEachAcceptedOnce() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        SequencePolicy window = SequencePolicy.window(16);
        int agents = 20;
        for (int i = 0; i < agents; i++) {
            assertThat(await(store().checkAndAdvanceAsync(agent(guid(i)), 100, window, T0))).isEqualTo(CheckResult.registered());
        }
        // Every agent: 90..105 (inside the window or past it), each number sent three times, all in flight at once.
        List<java.util.concurrent.CompletionStage<CheckResult>> stages = new ArrayList<>();
        List<long[]> sent = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            for (long n = 90; n <= 105; n++) {
                for (int i = 0; i < agents; i++) {
                    stages.add(store().checkAndAdvanceAsync(agent(guid(i)), n, window, T0));
                    sent.add(new long[] {i, n});
                }
            }
        }
        int[][] accepted = new int[agents][106];
        for (int k = 0; k < stages.size(); k++) {
            CheckResult result = await(stages.get(k));
            if (result.verdict() == Verdict.ACCEPTED) {
                accepted[(int) sent.get(k)[0]][(int) sent.get(k)[1]]++;
            } else {
                assertThat(result.verdict()).isEqualTo(Verdict.STALE);
            }
        }
        for (int i = 0; i < agents; i++) {
            for (long n = 90; n <= 105; n++) {
                // 100 was the registration; every other number in 90..105 is inside the window of
                // whatever "last" it meets (at most 105), so exactly one copy of it is accepted.
                assertThat(accepted[i][(int) n]).as("agent %d, number %d", i, n).isEqualTo(n == 100 ? 0 : 1);
            }
            assertThat(check(guid(i), 1, 16)).as("agent %d", i).isEqualTo(CheckResult.stale(105));
        }
    }

    @Test
    default void aDependentStageMayCallTheStoreAgain() {
        int agents = 50;
        List<CompletableFuture<CheckResult>> chained = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            AgentGuid first = guid(i);
            AgentGuid second = guid(10_000 + i);
            // What a transport does on the completing thread: answer, and sometimes ask the store more.
            chained.add(checkAsync(first, 1).thenApply(ignored -> store().checkAndAdvance(agent(second), 1, SequencePolicy.STRICT, T0))
                    .toCompletableFuture());
        }
        for (int i = 0; i < agents; i++) {
            assertThat(await(chained.get(i))).as("agent %d", i).isEqualTo(CheckResult.registered());
            assertThat(check(guid(10_000 + i), 1)).as("agent %d", 10_000 + i).isEqualTo(CheckResult.stale(1));
        }
    }

    @Test
    default void aStaleCheckInsDependentStageMayRecordTheError() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        // What the engine does for a stale number: its table sink records the error on the thread that completed the check.
        int agents = 50;
        for (int i = 0; i < agents; i++) {
            assertThat(await(checkAsync(guid(i), 5))).isEqualTo(CheckResult.registered());
        }
        List<CompletableFuture<Boolean>> recorded = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            AgentGuid a = guid(i);
            Instant time = T0.plusMillis(i);
            recorded.add(checkAsync(a, 5).thenApply(result -> store().recordError(
                    TestErrors.error(agent(a), time, 5, result.last(), true), ErrorQuery.MAX_LIMIT)).toCompletableFuture());
        }
        for (int i = 0; i < agents; i++) {
            assertThat(await(recorded.get(i))).as("agent %d's error row written", i).isTrue();
        }
        assertThat(store().findErrors(ErrorQuery.latest(ErrorQuery.MAX_LIMIT))).hasSize(agents)
                .allSatisfy(row -> assertThat(row.error().last()).isEqualTo(5));
    }
}
