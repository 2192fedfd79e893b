package io.seqguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The next page's cursor, read from the admin API's Link header as the server writes it. */
class AdminClientLinkTest {
    @Test
    void theCursorIsTheBeforeParameterOfTheNextLink() {
        assertThat(AdminClient.nextCursor("<sequence-errors?before=1709287200123_17&limit=5>; rel=\"next\"")).isEqualTo("1709287200123_17");
        assertThat(AdminClient.nextCursor("<sequence-errors?limit=5&before=-5_2>; rel=\"next\"")).isEqualTo("-5_2");
        // Not a "before" inside another parameter's name, and nothing without rel="next".
        assertThat(AdminClient.nextCursor("<sequence-errors?notbefore=1_1&limit=5>; rel=\"next\"")).isNull();
        assertThat(AdminClient.nextCursor("<sequence-errors?before=1_1>; rel=\"prev\"")).isNull();
    }
}
