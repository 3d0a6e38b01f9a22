package io.flowscope.platform.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code flowscope}: the command line. {@code run} starts the server; {@code import} reads capture
 * files into the store, without starting the web server (or through a running one).
 */
@Command(name = "flowscope", mixinStandardHelpOptions = true, version = "Flowscope 0.1.0",
        description = "Zero-code observability for Linux: packets and syscalls to L4 flows and L7 requests.",
        subcommands = {RunCommand.class, ImportCommand.class, CaptureCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // a message, never a stack trace, for the user
            cmd.getErr().println("flowscope: " + ex.getMessage());
            return 2;
        });
        int code = cl.execute(args);
        if (code != 0 || !RunCommand.serverStarted()) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run, import or capture");
    }
}
