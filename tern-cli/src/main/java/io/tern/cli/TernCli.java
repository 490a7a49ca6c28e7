package io.tern.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tern} command. Exit codes: 0 success, 1 the call or run failed, 2 usage error.
 * Errors go to stderr as one line that says what was wrong and what was expected.
 */
@Command(name = "tern", mixinStandardHelpOptions = true, versionProvider = TernCli.Version.class,
        description = "Tern, an RPC framework that speaks Apache Dubbo's dubbo protocol.",
        subcommands = {DemoCommand.class, ServeCommand.class, CallCommand.class, LsCommand.class,
            RulesCommand.class, BenchCommand.class, ZooKeeperCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the call or run failed", "2:usage error (bad option, URL or JSON)"})
public final class TernCli implements Runnable {

    /** The call or run failed. */
    public static final int FAILED = 1;
    /** The command line was wrong. */
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "no command given (expected one of: demo, serve, call, ls, rules, bench)");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new TernCli());
        cli.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println(failed.getCommandName().equals("tern") ? "tern: " + e.getMessage()
                    : "tern " + failed.getCommandName() + ": " + e.getMessage() + " (see 'tern "
                    + failed.getCommandName() + " --help')");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof UsageException usage) {
                failed.getErr().println("tern " + failed.getCommandName() + ": " + usage.getMessage()
                        + " (see 'tern " + failed.getCommandName() + " --help')");
                return USAGE;
            }
            failed.getErr().println("tern " + failed.getCommandName() + ": " + Failures.describe(e));
            return FAILED;
        });
        return cli.execute(args);
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TernCli.class.getPackage().getImplementationVersion();
            return new String[] {"tern " + (version == null ? "0.1.0-SNAPSHOT" : version)};
        }
    }
}
