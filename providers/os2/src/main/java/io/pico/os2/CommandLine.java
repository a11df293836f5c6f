package io.pico.os2;

import java.util.ArrayList;
import java.util.List;

/**
 * OS/2 command lines: a program gets one string of arguments, which its C runtime splits (spaces and tabs
 * separate, double quotes group, a backslash before a quote makes it literal). Arguments from a Unix-style
 * vector are quoted so that the split gives them back.
 */
final class CommandLine {

    private CommandLine() {
    }

    /** Joins arguments into a command line that splits back into them. */
    static String join(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (!a.isEmpty() && a.chars().noneMatch(ch -> ch == ' ' || ch == '\t' || ch == '"')) {
                sb.append(a);
                continue;
            }
            sb.append('"');
            int backslashes = 0;
            for (char ch : a.toCharArray()) {
                if (ch == '\\') {
                    backslashes++;
                    continue;
                }
                if (ch == '"') {
                    sb.append("\\".repeat(backslashes * 2 + 1)).append('"');
                } else {
                    sb.append("\\".repeat(backslashes)).append(ch);
                }
                backslashes = 0;
            }
            sb.append("\\".repeat(backslashes * 2)).append('"');
        }
        return sb.toString();
    }

    /** Splits a command line the way the C runtimes of OS/2 do. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            StringBuilder arg = new StringBuilder();
            boolean quoted = false;
            while (i < n) {
                char ch = line.charAt(i);
                if (!quoted && (ch == ' ' || ch == '\t')) {
                    break;
                }
                if (ch == '\\') {
                    int start = i;
                    while (i < n && line.charAt(i) == '\\') {
                        i++;
                    }
                    int count = i - start;
                    if (i < n && line.charAt(i) == '"') {
                        arg.append("\\".repeat(count / 2));
                        if (count % 2 == 1) {
                            arg.append('"');
                            i++;
                        }
                    } else {
                        arg.append("\\".repeat(count));
                    }
                    continue;
                }
                if (ch == '"') {
                    quoted = !quoted;
                    i++;
                    continue;
                }
                arg.append(ch);
                i++;
            }
            out.add(arg.toString());
        }
    }
}
