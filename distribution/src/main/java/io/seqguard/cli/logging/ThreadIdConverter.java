package io.seqguard.cli.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.seqguard.core.engine.ServerLogSink;

/**
 * Logback's {@code %tid}: the numeric thread id that the sequence-error sink puts into the MDC
 * (key {@value ServerLogSink#THREAD_ID_KEY}), which gives server.log the seed's
 * {@code #<thread>} field; lines logged without one show the thread's name instead. The id cannot
 * be taken from the current thread here, because an async appender formats on its own thread.
 *
 * <p>Thread safe; Logback shares one instance per pattern.
 */
public final class ThreadIdConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        String tid = event.getMDCPropertyMap().get(ServerLogSink.THREAD_ID_KEY);
        return tid != null ? tid : event.getThreadName();
    }
}
