package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the command line, with what it printed.
 */
record CliRun(int exitCode, String out, String err)
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static CliRun cairn(String... args)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = CairnCommand.execute(args, outStream, errStream);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    JsonNode json()
    {
        try {
            return MAPPER.readTree(out);
        }
        catch (IOException e) {
            throw new UncheckedIOException("stdout is not JSON: " + out + "\nstderr: " + err, e);
        }
    }

    @Override
    public String toString()
    {
        return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
}
