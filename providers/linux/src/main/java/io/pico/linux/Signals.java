package io.pico.linux;


/** Linux x86-64 signal numbers, names, descriptions (strsignal) and default actions. */
public final class Signals {

    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGILL = 4;
    public static final int SIGTRAP = 5;
    public static final int SIGABRT = 6;
    public static final int SIGBUS = 7;
    public static final int SIGFPE = 8;
    public static final int SIGKILL = 9;
    public static final int SIGSEGV = 11;
    public static final int SIGPIPE = 13;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGSYS = 31;
    public static final int SIGRTMIN = 34;
    public static final int NSIG = 64;

    /** What a signal does when not handled. */
    public enum Action { TERMINATE, CORE, IGNORE, STOP, CONTINUE }

    private static final String[] NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
        "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
    private static final String[] TEXTS = {null, "Hangup", "Interrupt", "Quit", "Illegal instruction",
        "Trace/breakpoint trap", "Aborted", "Bus error", "Floating point exception", "Killed", "User defined signal 1",
        "Segmentation fault", "User defined signal 2", "Broken pipe", "Alarm clock", "Terminated", "Stack fault",
        "Child exited", "Continued", "Stopped (signal)", "Stopped", "Stopped (tty input)", "Stopped (tty output)",
        "Urgent I/O condition", "CPU time limit exceeded", "File size limit exceeded", "Virtual timer expired",
        "Profiling timer expired", "Window changed", "I/O possible", "Power failure", "Bad system call"};

    private Signals() {
    }

    /**
     * The number of a signal named {@code INT}, {@code SIGINT}, {@code int}, {@code 2}, {@code RTMIN+3} or
     * {@code SIGRTMAX}.
     *
     * @throws IllegalArgumentException for an unknown signal
     */
    public static int parse(String signal) {
        return LinuxAbi.INSTANCE.signals().parse(signal); // the core's parser on Linux's table
    }

    /** The name without SIG, e.g. {@code SEGV}, {@code RTMIN+2}. */
    public static String name(int sig) {
        if (sig > 0 && sig < NAMES.length) {
            return NAMES[sig];
        }
        if (sig >= SIGRTMIN && sig <= NSIG) {
            return sig == SIGRTMIN ? "RTMIN" : "RTMIN+" + (sig - SIGRTMIN);
        }
        return String.valueOf(sig);
    }

    /** The description, e.g. {@code Segmentation fault}. */
    public static String text(int sig) {
        if (sig > 0 && sig < TEXTS.length) {
            return TEXTS[sig];
        }
        return "Real-time signal " + (sig - SIGRTMIN);
    }

    /** The default action. */
    public static Action defaultAction(int sig) {
        return switch (sig) {
            case SIGCHLD, 23, 28 -> Action.IGNORE; // CHLD, URG, WINCH
            case SIGCONT -> Action.CONTINUE;
            case SIGSTOP, 20, 21, 22 -> Action.STOP;
            case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, 24, 25, SIGSYS -> Action.CORE;
            default -> Action.TERMINATE;
        };
    }
}
