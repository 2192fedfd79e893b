package io.seqguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void wideCharactersTakeTwoColumnsSoTheColumnsStillLineUp() {
        assertThat(Table.columns("PC-01")).isEqualTo(5);
        assertThat(Table.columns("東京-PC01")).isEqualTo(9);
        assertThat(Table.columns("カタカナ")).isEqualTo(8);
        assertThat(Table.columns("ｶﾀｶﾅ")).as("halfwidth katakana").isEqualTo(4);
        assertThat(Table.columns("café")).isEqualTo(4);
        assertThat(Table.columns("cafe\u0301")).as("a combining accent takes no column").isEqualTo(4);

        StringWriter text = new StringWriter();
        Table table = new Table("node name", "IP address");
        table.row("東京-PC01", "10.0.0.1").row("PC-0042", "10.0.0.2");
        table.print(new PrintWriter(text, true));

        List<String> lines = text.toString().lines().toList();
        // The second column starts at the same terminal column on every line.
        int start = Table.columns(lines.get(0).substring(0, lines.get(0).indexOf("IP address")));
        assertThat(Table.columns(lines.get(2).substring(0, lines.get(2).indexOf("10.0.0.1")))).isEqualTo(start);
        assertThat(Table.columns(lines.get(3).substring(0, lines.get(3).indexOf("10.0.0.2")))).isEqualTo(start);
    }
}
