package io.seqguard.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequenceError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Renders the sink's output with the distribution's pattern and compares it with the seed's lines. */
class ServerLogSinkTest {
    /** The pattern conf/logback.xml uses for server.log. */
    static final String SEED_PATTERN = "%d{yyyyMMddHHmmss,UTC} %.-1level #%X{tid} %logger %msg%n";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private OutputStreamAppender<ILoggingEvent> appender;

    @BeforeEach
    void attach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(SEED_PATTERN);
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        for (String name : List.of(ServerLogSink.SERVER_LOGGER, ServerLogSink.MOD_LOGGER)) {
            context.getLogger(name).addAppender(appender);
        }
    }

    @AfterEach
    void detach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String name : List.of(ServerLogSink.SERVER_LOGGER, ServerLogSink.MOD_LOGGER)) {
            Logger logger = context.getLogger(name);
            logger.detachAppender(appender);
        }
        appender.stop();
    }

    private static SequenceError error(boolean enforced) {
        AgentIdentity agent = new AgentIdentity(AgentGuid.parse("91eea947-d3fb-4cc2-aec7-05d15cdb5c6a"),
                NodeName.parse("WS-1"), null, null);
        return new SequenceError(agent, Instant.parse("2009-01-01T01:01:01.123Z"), 113, 3716, enforced);
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void rejectedRequestYieldsTheSeedsTwoLines() {
        new ServerLogSink().accept(error(true));
        long tid = Thread.currentThread().getId();
        // Timestamps are written at log time; the rest of each line must match the seed exactly.
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).matches("\\d{14} E #" + tid
                + " EPOServer Agent with GUID \\{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A\\} sequence number invalid, expected 113 > 3716");
        assertThat(lines().get(1)).matches("\\d{14} E #" + tid + " mod_epo Failed to process agent request");
    }

    @Test
    void toleratedRequestInAuditModeYieldsOnlyTheFirstLine() {
        new ServerLogSink().accept(error(false));
        assertThat(lines()).hasSize(1);
        assertThat(lines().get(0)).contains("EPOServer Agent with GUID");
    }

    @Test
    void escapeNeutralisesLineBreaksAndControlCharacters() {
        assertThat(ServerLogSink.escape("a\r\n20090101010101 E #1 mod_epo forged")).doesNotContain("\n").doesNotContain("\r")
                .startsWith("a\\u000d\\u000a");
        assertThat(ServerLogSink.escape("x\u2028y\u0085z\\")).isEqualTo("x\\u2028y\\u0085z\\u005c");
        assertThat(ServerLogSink.escape("plain")).isSameAs("plain");
    }

    @Test
    void messageIsTheDetailOfA409() {
        assertThat(ServerLogSink.message(error(true)))
                .isEqualTo("Agent with GUID {91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A} sequence number invalid, expected 113 > 3716");
    }
}
