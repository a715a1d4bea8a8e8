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
        // TF's native threads and the JVM's shutdown are not worth waiting for
        Runtime.getRuntime().halt(exitCode);
    }
}
