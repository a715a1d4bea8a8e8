package io.cairn.trainer;

/**
 * The {@code cairn} command line. See {@link CairnCommand}.
 */
public final class Main
{
    private Main() {}

    public static void main(String[] args)
    {
        int exitCode = CairnCommand.execute(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        // System.exit, not Runtime.halt: shutdown hooks run, so -XX:StartFlightRecording writes its
        // recording (halt skips them and leaves an empty file). Exit does not wait for live threads:
        // TF's native thread pools and the JDK's daemon threads end with the process, and every command
        // has closed its Cairn runtime (save and transfer pools, leases) before returning here.
        System.exit(exitCode);
    }
}
