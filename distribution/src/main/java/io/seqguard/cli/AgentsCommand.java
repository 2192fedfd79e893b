package io.seqguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.InvalidValueException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code seqguard agents show|reset GUID}. */
@Command(name = "agents", mixinStandardHelpOptions = true,
        description = "Show what the server knows of an agent GUID, or reset its stored sequence.",
        synopsisSubcommandLabel = "(show | reset)",
        subcommands = {AgentsCommand.Show.class, AgentsCommand.Reset.class})
final class AgentsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say 'show GUID' or 'reset GUID'");
    }

    static AgentGuid guid(CommandSpec spec, String text) {
        try {
            return AgentGuid.parse("GUID", text);
        } catch (InvalidValueException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {@code seqguard agents show GUID}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show an agent's last accepted sequence number, first and last seen, its last node name, MAC and IP address,",
                "and its recent error count (GET /admin/v1/agents/{guid}). Exit code 1 when the GUID is unknown."})
    static final class Show implements Callable<Integer> {
        @Mixin
        AdminOptions admin = new AdminOptions();

        @Mixin
        JsonOption output = new JsonOption();

        @Parameters(paramLabel = "GUID", description = "The agent GUID (any case, braces optional).")
        String guid;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AgentGuid agent = guid(spec, guid);
            AdminClient.Answer answer = admin.client().getAllowingNotFound("/admin/v1/agents/" + agent.toUuid());
            if (answer.status() == 404) {
                throw new CliException("the agent " + agent + " is not registered (never seen, or reset since)");
            }
            JsonNode info = answer.json();
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                out.println(Output.pretty(info));
                return 0;
            }
            Table table = new Table("field", "value");
            table.row("agent GUID", Output.text(info, "agentGuid"));
            table.row("last sequence", Output.text(info, "last"));
            table.row("first seen (UTC)", Output.time(info, "firstSeen"));
            table.row("last seen (UTC)", Output.time(info, "lastSeen"));
            table.row("last node name", Output.text(info, "lastNodeName"));
            table.row("last MAC address", Output.text(info, "lastMacAddress"));
            table.row("last IP address", Output.text(info, "lastIpAddress"));
            String since = Output.time(info, "recentErrorsSince");
            table.row("recent errors", Output.text(info, "recentErrors") + (since == null ? "" : " (since " + since + ")"));
            table.print(out);
            return 0;
        }
    }

    /** {@code seqguard agents reset GUID}. */
    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Forget an agent's stored sequence so that its next request is accepted whatever its number",
                "(POST /admin/v1/agents/{guid}/reset). The fix for a rollback (snapshot restore, frozen disk);",
                "cloned machines need new GUIDs instead. The server logs the reset with the caller's address."})
    static final class Reset implements Callable<Integer> {
        @Mixin
        AdminOptions admin = new AdminOptions();

        @Mixin
        JsonOption output = new JsonOption();

        @Parameters(paramLabel = "GUID", description = "The agent GUID (any case, braces optional).")
        String guid;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AgentGuid agent = guid(spec, guid);
            JsonNode answer = admin.client().post("/admin/v1/agents/" + agent.toUuid() + "/reset").json();
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                out.println(Output.pretty(answer));
            } else if (answer.path("reset").asBoolean(false)) {
                out.println("Reset " + agent + ": its stored sequence is forgotten; its next request will be accepted.");
            } else {
                out.println(agent + " had no stored sequence; nothing to reset.");
            }
            return 0;
        }
    }
}
