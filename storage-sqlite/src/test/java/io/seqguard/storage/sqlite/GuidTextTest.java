package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GuidTextTest {
    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theCanonicalFormParsesToTheSameHalvesAsAgentGuid() {
        Random random = new Random(7);
        long[] bits = new long[2];
        for (int i = 0; i < 10_000; i++) {
            // Every hex digit at every position, both signs of both halves.
            AgentGuid guid = AgentGuid.of(new UUID(random.nextLong(), random.nextLong()));
            assertThat(GuidText.parseCanonical(ascii(guid.toString()), bits)).as("%s", guid).isTrue();
            assertThat(bits).containsExactly(guid.mostSignificantBits(), guid.leastSignificantBits());
            String lower = guid.toString().toLowerCase(Locale.ROOT);
            assertThat(GuidText.parseCanonical(ascii(lower), bits)).as("%s", lower).isTrue();
            assertThat(bits).containsExactly(guid.mostSignificantBits(), guid.leastSignificantBits());
        }
        assertThat(GuidText.parseCanonical(ascii("{FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF}"), bits)).isTrue();
        assertThat(bits).containsExactly(-1L, -1L);
        assertThat(GuidText.parseCanonical(ascii("{00000000-0000-0000-0000-000000000000}"), bits)).isTrue();
        assertThat(bits).containsExactly(0L, 0L);
    }

    @Test
    void anythingElseIsNotTakenForTheCanonicalForm() {
        String good = "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A}";
        long[] bits = {11, 12};
        for (String bad : new String[] {
            "", "91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A", "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A",
            "(91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A)", "{91EEA947D-3FB-4CC2-AEC7-05D15CDB5C6A}",
            "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6AA}", "{91EEA947-D3FB-4CC2-AEC7_05D15CDB5C6A}",
            // The characters next to the digits' and letters' ranges.
            "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6/}", "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6:}",
            "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6@}", "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6G}",
            "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6`}", "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6g}",
            "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6\u00e9}"}) {
            assertThat(GuidText.parseCanonical(ascii(bad), bits)).as("%s", bad).isFalse();
        }
        // 38 bytes with one not ASCII: a byte of 0x80 or more is negative in Java, and must not pass for a digit.
        for (int high : new int[] {'6' | 0x80, 'F' | 0x80, 'f' | 0x80, 0xFF}) {
            byte[] text = ascii(good);
            text[36] = (byte) high;
            assertThat(GuidText.parseCanonical(text, bits)).as("byte 0x%X", high).isFalse();
        }
        assertThat(GuidText.parseCanonical(null, bits)).isFalse();
        assertThat(bits).as("left as they were").containsExactly(11, 12);
        assertThat(GuidText.parseCanonical(ascii(good), bits)).isTrue();
    }
}
