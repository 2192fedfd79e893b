package io.seqguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.Suspect;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code seqguard suspects}: the duplicate-GUID and rollback report. */
@Command(name = "suspects", mixinStandardHelpOptions = true,
        header = "List cloned (duplicate-GUID) and rolled-back agents, with what to do.",
        description = {
            "List GUIDs with sequence errors in the look-back period, classified as",
            "  duplicate GUID: errors from two or more machines (cloned image) - give each clone a new agent GUID;",
            "  rollback: errors from one machine (snapshot restore, frozen disk) - reset the GUID (seqguard agents reset).",
            "Talks to the running server's admin API (GET /admin/v1/suspects)."})
final class SuspectsCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin = new AdminOptions();

    @Mixin
    JsonOption output = new JsonOption();

    @Option(names = "--hours", paramLabel = "N", defaultValue = "24",
            description = "Look-back period in hours, 1 to 8784 (a leap year; default ${DEFAULT-VALUE}).")
    int hours;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N suspects (1 to 10000; default ${DEFAULT-VALUE}).")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // The admin API's limits (docs/HTTP.md): refused here as a usage error, before any request.
        if (hours < 1 || hours > Suspect.MAX_LOOK_BACK_HOURS) {
            throw new ParameterException(spec.commandLine(), "--hours must be from 1 to " + Suspect.MAX_LOOK_BACK_HOURS + ", not " + hours);
        }
        if (limit < 1 || limit > ErrorQuery.MAX_LIMIT) {
            throw new ParameterException(spec.commandLine(), "--limit must be from 1 to " + ErrorQuery.MAX_LIMIT + ", not " + limit);
        }
        JsonNode answer = admin.client().get("/admin/v1/suspects", Map.of("hours", Integer.toString(hours), "limit", Integer.toString(limit)))
                .json();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            out.println(Output.pretty(answer));
            return 0;
        }
        Table table = new Table("agent GUID", "kind", "machines (node / MAC)", "errors>", "first error (UTC)", "last error (UTC)", "remedy");
        for (JsonNode suspect : answer.path("suspects")) {
            String kind = Output.text(suspect, "kind");
            table.row(Output.text(suspect, "agentGuid"), kind, machines(suspect.path("machines")), Output.text(suspect, "errorCount"),
                    Output.time(suspect, "firstError"), Output.time(suspect, "lastError"),
                    "duplicate-guid".equals(kind) ? "give each clone a new GUID" : "seqguard agents reset GUID");
        }
        if (table.size() == 0) {
            spec.commandLine().getErr().println("No suspects in the last " + hours + " hours.");
            return 0;
        }
        table.print(out);
        return 0;
    }

    private static String machines(JsonNode machines) {
        List<String> names = new ArrayList<>();
        for (JsonNode m : machines) {
            String node = Output.text(m, "nodeName");
            String mac = Output.text(m, "macAddress");
            names.add((node == null ? "?" : node) + " / " + (mac == null ? "?" : mac));
        }
        return names.isEmpty() ? "-" : String.join(", ", names);
    }
}
