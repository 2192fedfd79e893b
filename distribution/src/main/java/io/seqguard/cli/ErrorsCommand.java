package io.seqguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.InvalidValueException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code seqguard errors}: rows of the sequence error table, newest first. */
@Command(name = "errors", mixinStandardHelpOptions = true,
        description = {
            "List sequence errors from the EPOAgentSequenceErrorLog table, newest first.",
            "Talks to the running server's admin API (GET /admin/v1/sequence-errors)."})
final class ErrorsCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin = new AdminOptions();

    @Mixin
    JsonOption output = new JsonOption();

    @Option(names = "--guid", paramLabel = "GUID", description = "Only this agent GUID (any case, braces optional).")
    String guid;

    @Option(names = "--since", paramLabel = "WHEN", converter = Output.WhenConverter.class,
            description = "Only errors at or after WHEN: an ISO-8601 instant or a span back from now (30m, 24h, 7d).")
    Instant since;

    @Option(names = "--until", paramLabel = "WHEN", converter = Output.WhenConverter.class,
            description = "Only errors before WHEN (same forms as --since).")
    Instant until;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N rows (1 to 10000; default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--csv", description = "Print CSV, as the server renders it.")
    boolean csv;

    @Option(names = "--all", description = "Every matching row, fetched page after page of --limit rows (e.g. to export with --csv).")
    boolean all;

    @Spec
    CommandSpec spec;

    private static final String PATH = "/admin/v1/sequence-errors";

    @Override
    public Integer call() {
        Map<String, String> query = new LinkedHashMap<>();
        if (guid != null) {
            try {
                query.put("agentGuid", AgentGuid.parse("--guid", guid).toString());
            } catch (InvalidValueException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (since != null) {
            query.put("since", since.toString());
        }
        if (until != null) {
            query.put("until", until.toString());
        }
        if (since != null && until != null && until.isBefore(since)) {
            throw new ParameterException(spec.commandLine(), "--until (" + until + ") must not be before --since (" + since + ")");
        }
        if (limit < 1 || limit > ErrorQuery.MAX_LIMIT) {
            throw new ParameterException(spec.commandLine(), "--limit must be from 1 to " + ErrorQuery.MAX_LIMIT + ", not " + limit);
        }
        query.put("limit", Integer.toString(limit));
        if (csv && output.json) {
            throw new ParameterException(spec.commandLine(), "--csv and --json are two formats: choose one");
        }
        AdminClient client = admin.client();
        PrintWriter out = spec.commandLine().getOut();
        if (csv) {
            AdminClient.Answer page = client.getCsv(PATH, query);
            out.print(page.body());
            while (all && page.next() != null) {
                query.put("before", next(query, page));
                page = client.getCsv(PATH, query);
                String body = page.body();
                out.print(body.substring(body.indexOf('\n') + 1)); // the header line once
            }
            return 0;
        }
        List<JsonNode> rows = new ArrayList<>();
        AdminClient.Answer page = client.get(PATH, query);
        page.json().path("errors").forEach(rows::add);
        while (all && page.next() != null) {
            query.put("before", next(query, page));
            page = client.get(PATH, query);
            page.json().path("errors").forEach(rows::add);
        }
        if (output.json) {
            out.println(all ? Output.pretty(Output.errorsDocument(rows)) : Output.pretty(page.json()));
            return 0;
        }
        Table table = new Table("AutoID>", "time (UTC)", "agent GUID", "node name", "IP address", "MAC address", "received>", "last>",
                "enforced");
        for (JsonNode row : rows) {
            table.row(Output.text(row, "autoId"), Output.time(row, "time"), Output.text(row, "agentGuid"), Output.text(row, "nodeName"),
                    Output.text(row, "ipAddress"), Output.text(row, "macAddress"), Output.text(row, "received"), Output.text(row, "last"),
                    row.path("enforced").asBoolean(true) ? "yes" : "no (audit)");
        }
        if (table.size() == 0) {
            spec.commandLine().getErr().println("No sequence errors match.");
            return 0;
        }
        table.print(out);
        if (!all && page.next() != null) {
            spec.commandLine().getErr().println("(showing the newest " + limit + "; --all for every row, or narrow with --since or --guid)");
        }
        return 0;
    }

    /** The page's cursor, which must move on: a server that gave the same one twice would be asked forever. */
    private static String next(Map<String, String> query, AdminClient.Answer page) {
        if (page.next().equals(query.get("before"))) {
            throw new CliException("the admin API gave the same next page twice (" + page.next() + "); stopped");
        }
        return page.next();
    }
}
