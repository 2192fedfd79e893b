package io.seqguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code seqguard purge}: the scheduled purge, now. */
@Command(name = "purge", mixinStandardHelpOptions = true,
        header = "Delete error rows older than the history kept, now.",
        description = {
            "Delete sequence error rows older than seqguard.errors.table.history-days now, as the scheduled purge does",
            "(POST /admin/v1/purge), and print how many rows went."})
final class PurgeCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin = new AdminOptions();

    @Mixin
    JsonOption output = new JsonOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode answer = admin.client().post("/admin/v1/purge").json();
        if (output.json) {
            spec.commandLine().getOut().println(Output.pretty(answer));
        } else {
            spec.commandLine().getOut().println("Purged " + answer.path("deleted").asLong() + " sequence error rows.");
        }
        return 0;
    }
}
