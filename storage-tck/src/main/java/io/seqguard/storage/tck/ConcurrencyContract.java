package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.WINDOW_MODE;
import static io.seqguard.storage.tck.TestAgents.guid;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.Verdict;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Atomicity of check-and-advance (SPEC §3): of N concurrent requests with the same (GUID,
 * number) exactly one is accepted, and concurrent advances are never lost. Each race runs
 * {@link #rounds()} times because a broken store often wins a single race by luck.
 */
public interface ConcurrencyContract extends StoreFixture {
    /** Threads that send the same (GUID, number) at once. */
    int RACERS = 32;

    @Test
    default void exactlyOneOfConcurrentIdenticalNumbersIsAccepted() {
        AgentGuid a = guid(1);
        try (Race race = new Race(RACERS)) {
            for (int round = 0; round < rounds(); round++) {
                long n = round;
                List<CheckResult> results = race.run(i -> check(a, n));

                CheckResult winner = round == 0 ? CheckResult.registered() : CheckResult.accepted(n - 1);
                assertThat(results).as("round %d", round)
                        .containsOnlyOnce(winner)
                        .filteredOn(result -> !result.equals(winner)).hasSize(RACERS - 1)
                        .allMatch(result -> result.equals(CheckResult.stale(n)));
            }
        }
    }

    @Test
    default void exactlyOneOfConcurrentFirstRequestsRegisters() {
        try (Race race = new Race(RACERS)) {
            for (int round = 0; round < rounds(); round++) {
                AgentGuid a = guid(1_000 + round);
                List<CheckResult> results = race.run(i -> check(a, 7));

                assertThat(results).as("round %d", round)
                        .containsOnlyOnce(CheckResult.registered())
                        .filteredOn(result -> result.verdict() == Verdict.STALE).hasSize(RACERS - 1)
                        .allMatch(result -> result.equals(CheckResult.stale(7)));
            }
        }
    }

    @Test
    default void exactlyOneOfConcurrentIdenticalNumbersInsideTheWindowIsAccepted() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 0, 64);
        try (Race race = new Race(RACERS)) {
            for (int round = 0; round < rounds(); round++) {
                // Move last to 2r+2, then race on 2r+1: a fresh number below last, inside the window.
                long last = 2L * round + 2;
                check(a, last, 64);
                List<CheckResult> results = race.run(i -> check(a, last - 1, 64));

                assertThat(results).as("round %d", round)
                        .containsOnlyOnce(CheckResult.accepted(last))
                        .filteredOn(result -> result.verdict() == Verdict.STALE).hasSize(RACERS - 1);
            }
        }
    }

    @Test
    default void concurrentAdvancesOfDistinctAgentsAreNeverLost() {
        int threads = 8;
        int agents = 16;
        int numbers = 40;
        try (Race race = new Race(threads)) {
            // Thread t sends the numbers n with n % threads == t, in rising order, to every agent.
            race.run(t -> {
                for (int n = 1; n <= numbers; n++) {
                    if (n % threads == t) {
                        for (int agent = 0; agent < agents; agent++) {
                            check(guid(agent), n);
                        }
                    }
                }
                return null;
            });
        }
        for (int agent = 0; agent < agents; agent++) {
            assertThat(check(guid(agent), numbers)).as("agent %d", agent).isEqualTo(CheckResult.stale(numbers));
            assertThat(check(guid(agent), numbers + 1)).as("agent %d", agent).isEqualTo(CheckResult.accepted(numbers));
        }
    }

    @Test
    default void concurrentWindowAdvancesAcceptEveryNumberExactlyOnce() {
        if (!supports(WINDOW_MODE)) {
            return;
        }
        int threads = 8;
        int agents = 16;
        int numbers = 64;
        AtomicIntegerArray accepted = new AtomicIntegerArray(agents);
        try (Race race = new Race(threads)) {
            race.run(t -> {
                for (int n = 1; n <= numbers; n++) {
                    if (n % threads == t) {
                        for (int agent = 0; agent < agents; agent++) {
                            if (check(guid(agent), n, 4096).verdict().accepted()) {
                                accepted.incrementAndGet(agent);
                            }
                        }
                    }
                }
                return null;
            });
        }
        for (int agent = 0; agent < agents; agent++) {
            // The window covers every number, so each is new exactly once; a lost ring update would
            // let one of them through again below.
            assertThat(accepted.get(agent)).as("accepted numbers of agent %d", agent).isEqualTo(numbers);
            for (int n = 1; n <= numbers; n++) {
                assertThat(check(guid(agent), n, 4096)).as("replay of %d by agent %d", n, agent)
                        .isEqualTo(CheckResult.stale(numbers));
            }
        }
    }
}
