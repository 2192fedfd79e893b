package io.seqguard.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {
    private static final String CANONICAL = "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A}";

    @ParameterizedTest
    @ValueSource(strings = {"{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A}", "91eea947-d3fb-4cc2-aec7-05d15cdb5c6a",
            "{91eea947-D3FB-4cc2-AEC7-05d15cdb5c6a}"})
    void guidCanonicalForm(String input) {
        AgentGuid guid = AgentGuid.parse(input);
        assertThat(guid.toString()).isEqualTo(CANONICAL);
        assertThat(guid).isEqualTo(AgentGuid.parse(CANONICAL)).hasSameHashCodeAs(AgentGuid.parse(CANONICAL));
        assertThat(AgentGuid.of(guid.toUuid())).isEqualTo(guid);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A", "91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A}",
            "91EEA947D3FB4CC2AEC705D15CDB5C6A", "91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A0", "91EEA947-D3FB-4CC2-AEC7_05D15CDB5C6A",
            "G1EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A", "\u0661\u0661EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A", "' OR 1=1 --",
            "{{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A}}"})
    void guidRejectsAnythingElseNamingTheField(String input) {
        assertThatThrownBy(() -> AgentGuid.parse("Agent-Guid", input))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.field()).isEqualTo("Agent-Guid");
                    assertThat(e.getMessage()).startsWith("Agent-Guid: ").contains("UUID");
                });
        assertThatThrownBy(() -> AgentGuid.parse(null)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void sequenceAcceptsTheWholeRange() {
        assertThat(SequenceNumber.parse("0")).isZero();
        assertThat(SequenceNumber.parse("42")).isEqualTo(42);
        assertThat(SequenceNumber.parse("007")).isEqualTo(7);
        // A decimal integer in range however it is padded (SPEC §2).
        assertThat(SequenceNumber.parse("00000000000000000001")).isEqualTo(1);
        assertThat(SequenceNumber.parse("0".repeat(40) + "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(SequenceNumber.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "9223372036854775808", "99999999999999999999",
            "00000000000000000009223372036854775808", "\u0661", "12a"})
    void sequenceRejectsAnythingElse(String input) {
        assertThatThrownBy(() -> SequenceNumber.parse("Agent-Sequence", input))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.field()).isEqualTo("Agent-Sequence"));
    }

    @Test
    void anAbsentValueIsRequiredAndAnEmptyOneSaysSo() {
        assertThatThrownBy(() -> AgentGuid.parse("Agent-Guid", null)).hasMessageStartingWith("Agent-Guid: is required;");
        assertThatThrownBy(() -> AgentGuid.parse("Agent-Guid", "")).hasMessageStartingWith("Agent-Guid: is empty;");
        assertThatThrownBy(() -> SequenceNumber.parse("Agent-Sequence", null)).hasMessageStartingWith("Agent-Sequence: is required;");
        assertThatThrownBy(() -> SequenceNumber.parse("Agent-Sequence", "")).hasMessageStartingWith("Agent-Sequence: is empty;");
    }

    @Test
    void nodeNameLimits() {
        assertThat(NodeName.parse("WS-0042").value()).isEqualTo("WS-0042");
        assertThat(NodeName.parse("x".repeat(255)).value()).hasSize(255);
        assertThat(NodeName.parse("\uD83D\uDE00".repeat(255)).value()).hasSize(510);
        assertThat(NodeName.parse("'; DROP TABLE agents; --").value()).isEqualTo("'; DROP TABLE agents; --");
        for (String bad : new String[] {"", "x".repeat(256), "a\nb", "a\rb", "a\u0000b", "a\u2028b", "a\u0085b", "tab\there"}) {
            assertThatThrownBy(() -> NodeName.parse("Agent-Node-Name", bad))
                    .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.field()).isEqualTo("Agent-Node-Name"));
        }
    }

    @Test
    void macAddressForms() {
        assertThat(MacAddress.parse("001122aabbcc").value()).isEqualTo("001122AABBCC");
        assertThat(MacAddress.parse("00:11:22:AA:bb:CC").value()).isEqualTo("001122AABBCC");
        assertThat(MacAddress.parse("00-11-22-aa-bb-cc").value()).isEqualTo("001122AABBCC");
        for (String bad : new String[] {"", "00:11:22-aa:bb:cc", "0011.22aa.bbcc", "00112233445", "0011223344556", "00:11:22:aa:bb:cg",
                "001:122:aab:bcc", "00:11:22:aa:bb:cc:dd"}) {
            assertThatThrownBy(() -> MacAddress.parse("Agent-Mac-Address", bad))
                    .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.field()).isEqualTo("Agent-Mac-Address"));
        }
    }

    @Test
    void ipAddressLiteralsOnly() {
        assertThat(IpAddress.parse("X-Forwarded-For", "10.1.2.3").value()).isEqualTo("10.1.2.3");
        // One canonical form (RFC 5952 for IPv6), however the address was written.
        assertThat(IpAddress.parse("X-Forwarded-For", "::1").value()).isEqualTo("::1");
        assertThat(IpAddress.parse("X-Forwarded-For", "0:0:0:0:0:0:0:1").value()).isEqualTo("::1");
        assertThat(IpAddress.parse("X-Forwarded-For", "[2001:DB8:0:0:1:0:0:1]").value()).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpAddress.parse("X-Forwarded-For", "::ffff:10.1.2.3").value()).isEqualTo("10.1.2.3");
        // RFC 5952 section 4: no leading zeros, the first of the longest runs of two or more zero groups, never one alone.
        assertThat(IpAddress.parse("p", "2001:0db8:0000:0000:0000:0000:0002:0001").value()).isEqualTo("2001:db8::2:1");
        assertThat(IpAddress.parse("p", "2001:db8:0:0:1:0:0:0").value()).isEqualTo("2001:db8:0:0:1::");
        assertThat(IpAddress.parse("p", "2001:db8:0:1:1:1:1:1").value()).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(IpAddress.parse("p", "1:0:0:0:0:0:0:0").value()).isEqualTo("1::");
        assertThat(IpAddress.parse("p", "::").value()).isEqualTo("::");
        assertThat(IpAddress.parse("p", "FE80:0:0:0:AB:0:0:1").value()).isEqualTo("fe80::ab:0:0:1");
        assertThat(IpAddress.of(java.net.InetAddress.getLoopbackAddress()).value()).isEqualTo("127.0.0.1");
        for (String bad : new String[] {"", "localhost", "example.com", "1.2.3", "1.2.3.256", "1.2.3.4.5", "::g", "1.2.3.4 ",
                "001.002.003.004", "010.0.0.1", "fe80::1%eth0", "[::1"}) {
            assertThatThrownBy(() -> IpAddress.parse("X-Forwarded-For", bad)).isInstanceOf(InvalidValueException.class);
        }
    }

    @Test
    void quoteEscapesControlCharactersAndCuts() {
        assertThat(InvalidValueException.quote("a\r\nb")).isEqualTo("\"a\\u000d\\u000ab\"");
        assertThat(InvalidValueException.quote("x".repeat(100))).endsWith("...\"").hasSize(45);
    }
}
