package io.pico.posix.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A personality's signals: numbers, names (without SIG), strsignal texts and default actions, and the range of
 * real-time signals. The core names the signals it needs by their POSIX names ({@link #number(String)}).
 */
public final class SignalTable {

    /** What a signal does when not handled. */
    public enum Action {
        /** Ends the process. */ TERMINATE,
        /** Ends the process (with a core dump on a real system). */ CORE,
        /** Nothing. */ IGNORE,
        /** Stops the process. */ STOP,
        /** Continues a stopped process. */ CONTINUE
    }

    /**
     * One signal.
     *
     * @param number its number
     * @param name its name without SIG, e.g. {@code SEGV}
     * @param text its strsignal(3) text
     * @param action its default action
     */
    public record Signal(int number, String name, String text, Action action) {
    }

    private final Map<Integer, Signal> byNumber = new HashMap<>();
    private final Map<String, Signal> byName = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final int rtMin;
    private final int rtMax;
    private final int max;

    /**
     * A table of the given signals, real-time signals {@code rtMin..rtMax} (0, 0 for none), and aliases such as
     * {@code IOT=ABRT}.
     */
    public SignalTable(List<Signal> signals, int rtMin, int rtMax, Map<String, String> aliases) {
        int m = rtMax;
        for (Signal s : signals) {
            byNumber.put(s.number(), s);
            byName.put(s.name(), s);
            m = Math.max(m, s.number());
        }
        this.aliases.putAll(aliases);
        this.rtMin = rtMin;
        this.rtMax = rtMax;
        this.max = m;
    }

    /** Shorthand for a table row. */
    public static Signal signal(int number, String name, String text, Action action) {
        return new Signal(number, name, text, action);
    }

    /** The highest signal number (NSIG - 1 in C terms). */
    public int max() {
        return max;
    }

    /** The first real-time signal, 0 when there are none. */
    public int rtMin() {
        return rtMin;
    }

    /** The last real-time signal. */
    public int rtMax() {
        return rtMax;
    }

    /** Whether {@code sig} is a valid signal number (0 is not). */
    public boolean valid(int sig) {
        return byNumber.containsKey(sig) || (rtMin > 0 && sig >= rtMin && sig <= rtMax);
    }

    /**
     * The number of a POSIX signal name such as {@code KILL}; the core uses this for the signals it acts on.
     *
     * @throws IllegalArgumentException when the personality has no such signal
     */
    public int number(String name) {
        Signal s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no signal " + name);
        }
        return s.number();
    }

    /** The signal of a number, or null (real-time signals have no row). */
    public Signal get(int sig) {
        return byNumber.get(sig);
    }

    /** The name without SIG, e.g. {@code SEGV} or {@code RTMIN+2}; the number for unknown ones. */
    public String name(int sig) {
        Signal s = byNumber.get(sig);
        if (s != null) {
            return s.name();
        }
        if (rtMin > 0 && sig >= rtMin && sig <= rtMax) {
            return sig == rtMin ? "RTMIN" : "RTMIN+" + (sig - rtMin);
        }
        return String.valueOf(sig);
    }

    /** The strsignal text. */
    public String text(int sig) {
        Signal s = byNumber.get(sig);
        if (s != null) {
            return s.text();
        }
        return rtMin > 0 && sig >= rtMin && sig <= rtMax ? "Real-time signal " + (sig - rtMin) : "Unknown signal " + sig;
    }

    /** The default action; real-time and unknown signals terminate. */
    public Action defaultAction(int sig) {
        Signal s = byNumber.get(sig);
        return s == null ? Action.TERMINATE : s.action();
    }

    /** The signals in number order. */
    public List<Signal> all() {
        List<Signal> l = new ArrayList<>(byNumber.values());
        l.sort((a, b) -> Integer.compare(a.number(), b.number()));
        return l;
    }

    /**
     * The number of a signal named {@code INT}, {@code SIGINT}, {@code int}, {@code 2}, {@code RTMIN+3} or
     * {@code SIGRTMAX}.
     *
     * @throws IllegalArgumentException for an unknown signal
     */
    public int parse(String signal) {
        String s = signal == null ? "" : signal.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            try {
                int n = Integer.parseInt(s);
                if (valid(n)) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // too long: unknown
            }
            throw new IllegalArgumentException("unknown signal " + signal);
        }
        String alias = aliases.get(s);
        Signal named = byName.get(alias != null ? alias : s);
        if (named != null) {
            return named.number();
        }
        if (rtMin > 0) {
            int rt = offset(s, "RTMIN", rtMin, 1);
            if (rt < 0) {
                rt = offset(s, "RTMAX", rtMax, -1);
            }
            if (rt >= rtMin && rt <= rtMax) {
                return rt;
            }
        }
        throw new IllegalArgumentException("unknown signal " + signal);
    }

    private static int offset(String s, String base, int value, int sign) {
        if (!s.startsWith(base)) {
            return -1;
        }
        String rest = s.substring(base.length());
        if (rest.isEmpty()) {
            return value;
        }
        if ((sign > 0 ? rest.charAt(0) == '+' : rest.charAt(0) == '-') && rest.length() > 1 && rest.length() < 4
                && rest.substring(1).chars().allMatch(Character::isDigit)) {
            return value + sign * Integer.parseInt(rest.substring(1));
        }
        return -1;
    }
}
