package io.pico.os2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void joinsSoThatTheRuntimeSplitsBack() {
        List<List<String>> cases = List.of(List.of("a", "b c"), List.of(""), List.of("x\"y", "back\\slash", "tail\\"),
                List.of("a\\\"b", "\t"), List.of());
        for (List<String> args : cases) {
            assertEquals(args, CommandLine.split(CommandLine.join(args)), CommandLine.join(args));
        }
        assertEquals("a \"b c\"", CommandLine.join(List.of("a", "b c")));
    }

    @Test
    void splitsLikeTheCRuntimes() {
        assertEquals(List.of("a", "b c", "d"), CommandLine.split("  a \"b c\"\td "));
        assertEquals(List.of("say \"hi\""), CommandLine.split("\"say \\\"hi\\\"\""));
        assertEquals(List.of("C:\\dir\\"), CommandLine.split("C:\\dir\\"));
    }
}
