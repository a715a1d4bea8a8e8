package io.cairn.trainer.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;

/**
 * Prints one of the {@link JsonDocuments} on stdout, indented.
 */
public final class JsonPrinter
{
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonPrinter() {}

    public static void print(PrintStream out, Record document)
    {
        out.println(toJson(document));
    }

    public static String toJson(Record document)
    {
        try {
            return MAPPER.writeValueAsString(document);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + document.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
