package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.runtime.test.LinuxTestSupport.Result;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 4: an interactive {@code busybox sh} on a terminal with line editing and history, the {@code --strace}
 * lines (qemu-user's format, errors with errno and text), {@code /proc/self}, {@code /proc/cpuinfo},
 * {@code /proc/meminfo} and the devices as a native run sees them, and an unknown system call (ENOSYS, one line
 * in the runtime's log, nothing on the guest's output).
 */
class LinuxTerminalTest {

    private static final String ESC = "\u001b";
    private static final Pattern CSI = Pattern.compile(ESC + "\\[[0-9;?]*[A-Za-z]|" + ESC + "[=>]|\r");

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    /** Runs a guest with one terminal as stdin, stdout and stderr; the screen's text without escapes and CRs. */
    private String onATerminal(String keys, String... argv) throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        IoObject tty = kernel.hostStream(new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)), screen,
                true);
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(argv[0], List.of(argv), LinuxTestSupport.ENV, "/", Path.of("/"),
                    new IoObject[] {tty, tty, tty}, null, 0));
        } finally {
            tty.release();
        }
        try {
            assertTrue(kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(30)),
                    () -> "still running; the screen: " + screen);
            assertEquals(0, p.waitFor().code(), () -> "the screen: " + screen);
        } finally {
            if (p.exitStatus().isEmpty()) {
                kernel.signal(p.pid(), "KILL");
                p.waitFor();
            }
            kernel.reap(p.pid());
        }
        return CSI.matcher(screen.toString(StandardCharsets.UTF_8)).replaceAll("");
    }

    @Test
    void anInteractiveBusyboxShellEditsLinesAndRecallsHistory() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        // left arrow three times, then X: "echo abc" becomes "echo Xabc"; Ctrl-A goes to the start of the line;
        // backspace removes a character; up arrow recalls the line before
        String keys = "echo abc" + (ESC + "[D").repeat(3) + "X\n"
                + "cho one\u0001e\n"
                + "echo twoo\u007f\n"
                + ESC + "[A\n"
                + "exit\n";
        String screen = onATerminal(keys, LinuxTestSupport.BUSYBOX, "sh", "-i");
        List<String> lines = Arrays.asList(screen.split("\n"));
        assertTrue(lines.contains("Xabc"), () -> "the edited line did not run as echo Xabc: " + screen);
        assertTrue(lines.contains("one"), () -> "Ctrl-A did not go to the start of the line: " + screen);
        assertEquals(2, lines.stream().filter("two"::equals).count(),
                () -> "backspace or the up arrow (history) did not work: " + screen);
        assertFalse(lines.contains("abc"), () -> screen);
    }

    @Test
    void straceWritesOneLinePerCallInQemuStyle() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IoObject[] stdio = {kernel.hostStream(java.io.InputStream.nullInputStream(), null, false),
            kernel.hostStream(null, out, false), kernel.hostStream(null, out, false)};
        PicoProcess p;
        try (PrintStream ps = new PrintStream(trace, true, StandardCharsets.UTF_8)) {
            try {
                p = kernel.spawn(new Launch(LinuxTestSupport.BUSYBOX, List.of(LinuxTestSupport.BUSYBOX, "cat",
                        "/no/such/file"), LinuxTestSupport.ENV, "/", Path.of("/"), stdio, ps, 0));
            } finally {
                for (IoObject io : stdio) {
                    io.release();
                }
            }
            assertEquals(1, p.waitFor().code());
            kernel.reap(p.pid());
        }
        String pid = String.valueOf(p.pid());
        String text = trace.toString(StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.startsWith(pid + " ")), () -> "a line without the pid: " + text);
        assertTrue(lines.contains(pid + " openat(AT_FDCWD,\"/no/such/file\",O_RDONLY) = -1 errno=2 (No such file or "
                + "directory)") || lines.stream().anyMatch(l -> l.matches(Pattern.quote(pid)
                + " open(at\\(AT_FDCWD,|\\()\"/no/such/file\",.*\\) = -1 errno=2 \\(No such file or directory\\)")),
            () -> "no failed open of /no/such/file: " + text);
        assertTrue(lines.stream().anyMatch(l -> l.matches(Pattern.quote(pid) + " write\\(2,.*\\) = \\d+")),
            () -> "no write to stderr: " + text);
        assertEquals(List.of(pid + " exit_group(1)", pid + " +++ exited with 1 +++"),
                lines.subList(lines.size() - 2, lines.size()), () -> text);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("errno="), "trace lines on the guest's output");
    }

    /** Runs a guest confined to {@code root} with a trace: the trace's text and the guest's output. */
    private String[] traced(Path root, String... argv) throws Exception {
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IoObject[] stdio = {kernel.hostStream(java.io.InputStream.nullInputStream(), null, false),
            kernel.hostStream(null, out, false), kernel.hostStream(null, out, false)};
        try (PrintStream ps = new PrintStream(trace, true, StandardCharsets.UTF_8)) {
            PicoProcess p;
            try {
                p = kernel.spawn(new Launch(argv[0], List.of(argv), LinuxTestSupport.ENV, "/", root, stdio, ps, 0));
            } finally {
                for (IoObject io : stdio) {
                    io.release();
                }
            }
            p.waitFor();
            kernel.reap(p.pid());
        }
        return new String[] {trace.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void procAndDevicesAnswerAsNatively() throws Exception {
        Path exe = LinuxTestSupport.cc("/usr/bin/musl-gcc", "syscalls.c", "syscalls");
        Path dir = exe.getParent();
        Result expected = LinuxTestSupport.host(dir, exe.toString(), "proc", "x", "y");
        Result actual = LinuxTestSupport.pico(launcher, dir, exe.toString(), "proc", "x", "y");
        assertTrue(expected.out().contains("/proc/self/exe: ends with /syscalls 1"), expected::toString);
        assertEquals(expected, actual);
    }

    @Test
    void anUnknownCallGetsEnosysAndOneLogLine() throws Exception {
        Path exe = LinuxTestSupport.cc("/usr/bin/musl-gcc", "syscalls.c", "syscalls");
        Path dir = exe.getParent();
        Result expected = LinuxTestSupport.host(dir, exe.toString(), "unknown");
        String logName = FrameworkUtil.getBundle(getClass()).getBundleContext().getProperty("pico.log");
        Path log = logName == null ? null : Path.of(logName);
        long before = log != null && Files.exists(log) ? Files.size(log) : 0;
        Result actual = LinuxTestSupport.pico(launcher, dir, exe.toString(), "unknown");
        assertEquals(expected, actual);
        assertEquals("syscall 999: ENOSYS\nsyscall 999 again: ENOSYS\nuselib: ENOSYS\ndone\n", actual.out());
        if (log != null) {
            byte[] all = Files.readAllBytes(log);
            String added = new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8);
            assertEquals(1, added.lines().filter(l -> l.contains("unknown system call syscall_999 (999)")).count(),
                    () -> "the log since: " + added);
            assertEquals(1, added.lines().filter(l -> l.contains("unknown system call uselib (134)")).count(),
                    () -> "the log since: " + added);
        }
        String[] traced = traced(dir, "/syscalls", "unknown");
        assertEquals(actual.out(), traced[1], "with --strace the guest's output is the same");
        assertEquals(2, traced[0].lines().filter(l -> l.contains("[unknown system call 999]")
                && l.contains("= -1 errno=38 (Function not implemented)")).count(), () -> traced[0]);
    }

    /**
     * Linux's second entry, {@code int 0x80} from 64-bit code, dispatches i386 numbers onto the same rows of the
     * core's table with the i386 convention: ebx, ecx, edx in, a 32-bit result out (write gives 6, an unknown
     * number -ENOSYS as 0xffffffda), the trace lines marked {@code [int 0x80]}. nasm and ld, bits 64.
     */
    @Test
    void int0x80RunsI386NumbersOnTheSameRows(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path asm = dir.resolve("int80.asm");
        Path obj = dir.resolve("int80.o");
        Path exe = dir.resolve("int80");
        Files.writeString(asm, """
                bits 64
                section .text
                global _start
                _start:
                  mov eax, 4               ; i386 write(1, msg, 6)
                  mov ebx, 1
                  mov ecx, msg
                  mov edx, 6
                  int 0x80
                  mov r12, rax
                  mov eax, 999             ; no i386 call: -ENOSYS in 32 bits
                  int 0x80
                  mov r13, rax
                  xor ebx, ebx
                  cmp r12, 6
                  je written
                  or ebx, 1
                written:
                  mov rax, 0xffffffda
                  cmp r13, rax
                  je done
                  or ebx, 2
                done:
                  mov eax, 252             ; i386 exit_group(ebx): traced before it runs
                  int 0x80
                section .data
                msg: db "int80", 10
                """);
        tool("nasm", "-f", "elf64", "-o", obj.toString(), asm.toString());
        tool("ld", "-static", "-o", exe.toString(), obj.toString());
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IoObject[] stdio = {kernel.hostStream(java.io.InputStream.nullInputStream(), null, false),
            kernel.hostStream(null, out, false), kernel.hostStream(null, out, false)};
        PicoProcess p;
        try (PrintStream ps = new PrintStream(trace, true, StandardCharsets.UTF_8)) {
            try {
                p = kernel.spawn(new Launch(exe.toString(), List.of(exe.toString()), LinuxTestSupport.ENV, "/",
                        Path.of("/"), stdio, ps, 0));
            } finally {
                for (IoObject io : stdio) {
                    io.release();
                }
            }
            assertEquals(0, p.waitFor().code(), () -> "1: write's result, 2: the unknown call's; " + trace);
            kernel.reap(p.pid());
        }
        assertEquals("int80\n", out.toString(StandardCharsets.UTF_8));
        List<String> lines = trace.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches(p.pid() + " \\[int 0x80\\] write\\(1,0x[0-9a-f]+,6\\) = 6")),
                () -> String.join("\n", lines));
        assertEquals(List.of(p.pid() + " [int 0x80] exit_group(0)", p.pid() + " +++ exited with 0 +++"),
                lines.subList(Math.max(0, lines.size() - 2), lines.size()), () -> String.join("\n", lines));
    }

    private static void tool(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, command[0] + " is not installed");
            return;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> String.join(" ", command) + ": " + output);
    }
}
