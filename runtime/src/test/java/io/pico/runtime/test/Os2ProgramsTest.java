package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CallInfo;
import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.ProviderInfo;
import io.pico.api.Support;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.test.common.annotation.InjectService;

/**
 * The OS/2 personality in the framework: the provider bundle io.pico.provider.os2 registers with the kernel,
 * claims LX images and runs the real OS/2 programs of the shared corpus (../shared/corpus/os2). Small LX
 * programs come with the tests (src/test/resources/os2, built by nasm and the provider's test LxBuilder from
 * providers/os2/src/test/resources/asm/*.asm; the provider's BuiltProgramsTest checks that they still are):
 * exception handling (xcpt, fault, faults), the memory limit (allocmem), the APIs no corpus program calls (apis),
 * named semaphores at process end (semname).
 */
class Os2ProgramsTest {

    private static final long TIMEOUT_SECONDS = 60;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @InjectService(timeout = 10_000)
    org.osgi.service.cm.ConfigurationAdmin configAdmin;

    @TempDir
    Path dir;

    /** The corpus: the property pico.corpus, or shared/corpus found from the working directory upwards. */
    private static Path corpus() {
        String prop = System.getProperty("pico.corpus");
        if (prop != null) {
            return Path.of(prop).resolve("os2");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path c : new Path[] {p.resolve("shared/corpus/os2"), p.resolveSibling("shared").resolve("corpus/os2")}) {
                if (Files.isDirectory(c)) {
                    return c;
                }
            }
        }
        Path fallback = Path.of("/work/shared/corpus/os2");
        Assumptions.assumeTrue(Files.isDirectory(fallback), "the OS/2 corpus is not on this machine");
        return fallback;
    }

    record Run(ExitStatus status, String out, String trace) {
        String text() {
            return out.replace("\r\n", "\n");
        }
    }

    /** A test program of src/test/resources/os2 written to {@code dir}. */
    private Path resource(String name) throws Exception {
        try (java.io.InputStream in = Os2ProgramsTest.class.getResourceAsStream("/os2/" + name)) {
            assertTrue(in != null, "no resource /os2/" + name);
            Path f = dir.resolve(name);
            Files.write(f, in.readAllBytes());
            return f;
        }
    }

    private Run run(String cwd, Path program, String... args) throws Exception {
        return run(Map.of("OS2TEST", "yes"), cwd, program, args);
    }

    private Run run(Map<String, String> env, String cwd, Path program, String... args) throws Exception {
        return run(env, java.io.InputStream.nullInputStream(), cwd, program, args);
    }

    private Run run(Map<String, String> env, java.io.InputStream stdin, String cwd, Path program, String... args)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        IoObject[] stdio = {kernel.hostStream(stdin, null, false),
            kernel.hostStream(null, out, false), kernel.hostStream(null, out, false)};
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(List.of(args));
        PicoProcess p = kernel.spawn(new Launch(program.toString(), argv, env, cwd, Path.of("/"),
                stdio, new PrintStream(trace, true, StandardCharsets.UTF_8), 0));
        for (IoObject io : stdio) {
            io.release();
        }
        boolean ended = kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
        if (!ended) {
            kernel.signal(p.pid(), "KILL");
        }
        ExitStatus status = p.waitFor();
        kernel.reap(p.pid());
        assertTrue(ended, "timed out");
        return new Run(status, out.toString(StandardCharsets.ISO_8859_1), trace.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theProviderRegistersWithItsApiTable() {
        ProviderInfo os2 = kernel.providers().stream().filter(i -> i.personality().equals("os2")).findFirst()
                .orElseThrow();
        assertEquals("io.pico.provider.os2", os2.bundle());
        List<CallInfo> calls = kernel.calls("os2");
        assertTrue(calls.size() >= 150, "APIs listed: " + calls.size());
        assertTrue(calls.contains(new CallInfo("DOSCALLS", 282, "DosWrite", Support.FULL, "")));
        assertTrue(calls.stream().anyMatch(c -> c.table().equals("MSG") && c.number() == 5));
    }

    @Test
    void hello() throws Exception {
        Path hello = corpus().resolve("2ine/hello.exe");
        assertEquals(java.util.Optional.of("os2"), kernel.personalityOf(kernel.image(hello, hello.toString())));
        Run r = run("/", hello);
        assertEquals(ExitStatus.exited(0), r.status());
        assertTrue(r.out().startsWith("Hello world! I'm a 32-bit OS/2 binary!"), r.out());
        assertTrue(r.trace().contains("MSG.5 DosPutMessage("), r.trace());
    }

    @Test
    void testbeep() throws Exception {
        Run r = run("/", corpus().resolve("2ine/testbeep.exe"));
        assertEquals(ExitStatus.exited(0), r.status());
        assertEquals(9, r.trace().lines().filter(l -> l.contains("DosBeep(")).count(), r.trace());
    }

    @Test
    void hellocThroughEmxDll() throws Exception {
        Run r = run("/", corpus().resolve("2ine/helloc.exe"));
        assertEquals(ExitStatus.exited(0), r.status());
        assertEquals("hello world\n", r.text());
        // emx.dll's initialisation routine runs before the program, its termination routine (the same entry,
        // LIBTERM) after the program's DosExit and its exit list, last
        List<String> trace = r.trace().lines().toList();
        java.util.regex.Matcher init = java.util.regex.Pattern.compile("\\d+ init EMX at (0x[0-9a-f]+)")
                .matcher(trace.get(0));
        assertTrue(init.matches(), r.trace());
        int exit = trace.indexOf(trace.stream().filter(l -> l.matches("\\d+ DOSCALLS\\.234 DosExit\\(1, 0\\)"))
                .findFirst().orElseThrow());
        assertTrue(trace.get(trace.size() - 1).endsWith(" exit routine at " + init.group(1)) && exit > 0
                && exit < trace.size() - 1, r.trace());
    }

    @Test
    void testargv() throws Exception {
        Run r = run("/", corpus().resolve("2ine/testargv.exe"), "a", "b c");
        assertEquals(ExitStatus.exited(0), r.status());
        assertTrue(r.text().startsWith("Command line: (argc == 3)\n"), r.text());
        assertTrue(r.text().contains("argv[1] = 'a'\nargv[2] = 'b c'\n"), r.text());
        assertTrue(r.text().contains("envp[0] = 'OS2TEST=yes'\n"), r.text());
    }

    @Test
    void testtls() throws Exception {
        Run r = run("/", corpus().resolve("2ine/testtls.exe"));
        assertEquals(ExitStatus.exited(0), r.status());
        assertTrue(r.text().endsWith("Main thread sees TLS value of 10\n"), r.text());
        assertTrue(r.trace().contains("thread 2 returned") && r.trace().contains("thread 3 returned"), r.trace());
    }

    @Test
    void cmp() throws Exception {
        Files.writeString(dir.resolve("one"), "abcdef");
        Files.writeString(dir.resolve("two"), "abcxef");
        Path cmp = corpus().resolve("os2tools/cmp.exe");
        Run same = run(dir.toString(), cmp, "one", "one");
        assertEquals(ExitStatus.exited(0), same.status());
        Run differ = run(dir.toString(), cmp, "one", "two");
        assertEquals(1, differ.status().code());
        assertTrue(differ.text().contains("at 0x00000003 0x64 (d)"), differ.text());
    }

    @Test
    void fastDep() throws Exception {
        Files.writeString(dir.resolve("x.c"), "#include \"x.h\"\n");
        Files.writeString(dir.resolve("x.h"), "\n");
        Run r = run(dir.toString(), corpus().resolve("os2tools/FastDep.exe"), "-f", "*.c");
        assertEquals(ExitStatus.exited(0), r.status());
        String depend = Files.readString(dir.resolve(".depend")).toLowerCase();
        assertTrue(depend.contains("x.obj:") && depend.contains("x.h"), depend);
    }

    /**
     * FastDep over a directory of C files: for each file one rule whose dependencies are the headers its own
     * {@code #include "..."} lines name, as the files say (a header's own includes and missing system headers
     * are not listed; a file without includes depends on itself alone).
     */
    @Test
    void fastDepOverADirectoryListsEachFilesOwnIncludes() throws Exception {
        Map<String, List<String>> includes = new java.util.TreeMap<>(Map.of(
                "main.c", List.of("util.h", "Config.H"),
                "util.c", List.of("util.h"),
                "io.c", List.of("io.h", "util.h", "sub.h"),
                "plain.c", List.of()));
        for (String h : List.of("util.h", "Config.H", "io.h", "sub.h")) {
            Files.writeString(dir.resolve(h), "#include \"nested.h\"\n");
        }
        Files.writeString(dir.resolve("nested.h"), "\n");
        for (Map.Entry<String, List<String>> c : includes.entrySet()) {
            StringBuilder text = new StringBuilder("#include <stdio.h>\n");
            c.getValue().forEach(h -> text.append("#include \"").append(h).append("\"\n"));
            Files.writeString(dir.resolve(c.getKey()), text.append("int x;\n").toString());
        }
        Run r = run(dir.toString(), corpus().resolve("os2tools/FastDep.exe"), "-f", "*.c");
        assertEquals(ExitStatus.exited(0), r.status(), r.text());
        // the rules: "c:\dir\x.obj: \" then one "    c:\dir\file \" line per dependency, the first the source
        Map<String, List<String>> rules = new java.util.TreeMap<>();
        List<String> current = null;
        for (String line : Files.readString(dir.resolve(".depend")).split("\r?\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                current = null;
            } else if (line.matches("\\S+\\.obj: *\\\\?")) {
                String obj = line.substring(line.lastIndexOf('\\', line.indexOf(".obj:")) + 1, line.indexOf(".obj:"));
                current = new ArrayList<>();
                rules.put(obj.toLowerCase() + ".c", current);
            } else if (current != null) {
                String dep = line.strip().replaceAll(" *\\\\$", "");
                current.add(dep.substring(dep.lastIndexOf('\\') + 1).toLowerCase());
            }
        }
        assertEquals(includes.keySet(), rules.keySet(), "one rule per C file: " + rules);
        for (Map.Entry<String, List<String>> c : includes.entrySet()) {
            List<String> expected = new ArrayList<>(List.of(c.getKey()));
            c.getValue().forEach(h -> expected.add(h.toLowerCase()));
            assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(rules.get(c.getKey())),
                    c.getKey() + "'s own includes: " + rules);
            assertEquals(c.getKey(), rules.get(c.getKey()).get(0), "the source first");
        }
    }

    /**
     * A DLL the program imports is found in the program's directory or in a LIBPATH directory, named in OS/2
     * syntax and in any case; elsewhere the program is refused with one line naming the module.
     */
    @Test
    void dllsAreFoundInTheProgramsDirectoryOrAlongTheLibpath() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path lib = Files.createDirectories(dir.resolve("Os2Lib"));
        Files.copy(corpus().resolve("2ine/helloc.exe"), bin.resolve("helloc.exe"));
        Files.copy(corpus().resolve("2ine/emx.dll"), lib.resolve("EMX.DLL"));
        ImageException alone = assertThrows(ImageException.class,
                () -> run(Map.of(), dir.toString(), bin.resolve("helloc.exe")));
        assertEquals(ImageException.NOT_EXECUTABLE, alone.status());
        assertTrue(alone.getMessage().contains("EMX") && !alone.getMessage().contains("\n"), alone.getMessage());
        String os2Lib = "c:" + lib.toString().replace('/', '\\').toUpperCase(java.util.Locale.ROOT);
        Run viaLibpath = run(Map.of("LIBPATH", "C:\\no\\such\\dir;" + os2Lib + ";"), dir.toString(),
                bin.resolve("helloc.exe"));
        assertEquals(ExitStatus.exited(0), viaLibpath.status(), viaLibpath::text);
        assertEquals("hello world\n", viaLibpath.text());
        Files.move(lib.resolve("EMX.DLL"), bin.resolve("emx.dll"));
        Run beside = run(Map.of(), dir.toString(), bin.resolve("helloc.exe"));
        assertEquals("hello world\n", beside.text());
    }

    @Test
    void aTruncatedProgramIsRefused() throws Exception {
        Path cut = dir.resolve("cut.exe");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(corpus().resolve("2ine/hello.exe")), 300));
        ImageException e = assertThrows(ImageException.class, () -> run("/", cut));
        assertEquals(ImageException.NOT_EXECUTABLE, e.status());
    }

    @Test
    void sixteenBitPrograms() throws Exception {
        Run hello = run("/", corpus().resolve("2ine/hello16.exe"));
        assertEquals(ExitStatus.exited(0), hello.status());
        assertEquals("Hello from a 16-bit OS/2 .exe!\n", hello.text());
        Run argv = run("/", corpus().resolve("2ine/testargv16.exe"), "a", "b c");
        assertEquals(ExitStatus.exited(0), argv.status());
        assertTrue(argv.text().contains("argv[1] = 'a'\nargv[2] = 'b c'\n"), argv.text());
    }

    /** The 16-bit console calls no corpus program makes: VioWrtTTY out, KbdCharIn in (a key from standard input). */
    @Test
    void sixteenBitConsoleCalls() throws Exception {
        Path exe = dir.resolve("echokey.exe");
        Files.write(exe, Ne16Images.echoKey());
        Run r = run(Map.of(), new java.io.ByteArrayInputStream("x".getBytes(StandardCharsets.US_ASCII)), "/", exe);
        assertEquals("key? x", r.out(), r.trace());
        assertEquals(ExitStatus.exited('x'), r.status(), r.trace());
        assertTrue(r.trace().contains("VIOCALLS.19 VioWrtTTY("), r.trace());
        assertTrue(r.trace().contains("KBDCALLS.4 KbdCharIn("), r.trace());
        // no key at all: the character is 0, and so is the status
        Run none = run(Map.of(), java.io.InputStream.nullInputStream(), "/", exe);
        assertEquals("key? \0", none.out(), none.trace());
        assertEquals(ExitStatus.exited(0), none.status(), none.trace());
    }

    /** What a {@code pico:} command of the shell bundle returns, called as Gogo calls it (its result's text). */
    private static String shell(String function, Object... args) throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(Os2ProgramsTest.class).getBundleContext();
        ServiceReference<?>[] refs = ctx.getServiceReferences((String) null,
                "(&(osgi.command.scope=pico)(osgi.command.function=" + function + "))");
        assertTrue(refs != null && refs.length > 0, "no pico:" + function + " command registered");
        Object commands = ctx.getService(refs[0]);
        try {
            Class<?>[] types = new Class<?>[args.length];
            java.util.Arrays.fill(types, String.class);
            try {
                return String.valueOf(commands.getClass().getMethod(function, types).invoke(commands, args));
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw (Exception) e.getCause();
            }
        } finally {
            ctx.ungetService(refs[0]);
        }
    }

    /** pico:apis os2 prints the per-DLL ordinal table: module, ordinal, name, level, note; pico:syscalls too. */
    @Test
    void apisPrintsThePerDllOrdinalTable() throws Exception {
        String all = shell("apis", "", "os2");
        List<String> lines = all.lines().toList();
        assertTrue(lines.get(0).matches("MODULE +ORDINAL +NAME +LEVEL +NOTE"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches("DOSCALLS +282 +DosWrite +full")), all);
        assertTrue(lines.stream().anyMatch(l -> l.matches("MSG +5 +DosPutMessage +\\w+.*")), all);
        for (String module : List.of("DOSCALLS", "MSG", "NLS", "VIOCALLS", "KBDCALLS", "QUECALLS", "SESMGR")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(module + " ")), module + " is not in the table");
        }
        assertTrue(lines.get(lines.size() - 1).matches("os2: \\d+ full, \\d+ partial, \\d+ missing"),
                lines.get(lines.size() - 1));
        String missing = shell("apis", "missing", "os2");
        List<String> rows = missing.lines().skip(1).filter(l -> !l.startsWith("os2: ")).toList();
        assertTrue(!rows.isEmpty() && rows.stream().allMatch(l -> l.matches("\\w+ +\\d+ +\\w+ +missing +not implemented")),
                missing);
        assertTrue(shell("syscalls", "", "os2").contains("DosWrite"), "pico:syscalls still works");
        IllegalArgumentException level = assertThrows(IllegalArgumentException.class, () -> shell("apis", "most",
                "os2"));
        assertTrue(level.getMessage().contains("unknown level most"), level.getMessage());
        assertThrows(IllegalArgumentException.class, () -> shell("apis", "", "beos"));
    }

    /**
     * The trace (what ./pico run --strace prints): each API call one line with the pid, MODULE.ordinal, the
     * name, the arguments (strings and written text shown) and the result with its error name.
     */
    @Test
    void theTraceNamesModuleOrdinalArgumentsAndResult() throws Exception {
        Run hello = run("/", corpus().resolve("2ine/hello.exe"));
        assertTrue(hello.trace().lines().anyMatch(l -> l.matches("\\d+ MSG\\.5 DosPutMessage\\(1, 40, 0x10000\\)"
                + ".* = 0 NO_ERROR")), hello.trace());
        Run beep = run("/", corpus().resolve("2ine/testbeep.exe"));
        assertTrue(beep.trace().lines().anyMatch(l -> l.matches("\\d+ DOSCALLS\\.286 DosBeep\\(250, 100\\) = 0 NO_ERROR")),
                beep.trace());
        assertTrue(beep.trace().lines().anyMatch(l -> l.matches("\\d+ DOSCALLS\\.234 DosExit\\(1, 0\\)")),
                beep.trace());
        Run helloc = run("/", corpus().resolve("2ine/helloc.exe"));
        assertTrue(helloc.trace().lines().anyMatch(l -> l.matches("\\d+ DOSCALLS\\.282 DosWrite\\(1, 0x[0-9a-f]+, 13, "
                + "0x[0-9a-f]+\\) \"hello world\\\\r\\\\n\" = 0 NO_ERROR")), helloc.trace());
        Path cmp = corpus().resolve("os2tools/cmp.exe");
        Files.writeString(dir.resolve("one"), "x");
        Run missing = run(dir.toString(), cmp, "one", "nothere");
        assertTrue(missing.trace().lines().anyMatch(l -> l.matches("\\d+ DOSCALLS\\.223 DosQueryPathInfo\\(0x[0-9a-f]+ "
                + "\"nothere\", 1, 0x[0-9a-f]+, 24\\) nothere = 2 ERROR_FILE_NOT_FOUND")), missing.trace());
    }

    /** An API without implementation answers ERROR_INVALID_FUNCTION, traced and logged with module and ordinal. */
    @Test
    void anUnimplementedApiIsInvalidFunctionWithATraceAndALogLine() throws Exception {
        byte[] hello = Files.readAllBytes(corpus().resolve("2ine/hello.exe"));
        hello[0x80 + 0x11a + 5] = 99; // the import of MSG.5 becomes MSG.99
        Path h = dir.resolve("h.exe");
        Files.write(h, hello);
        String log = System.getProperty("pico.log");
        long logStart = log != null && Files.isRegularFile(Path.of(log)) ? Files.size(Path.of(log)) : 0;
        Run r = run("/", h);
        assertEquals(ExitStatus.exited(1), r.status(), "main returns the call's result: " + r.trace());
        assertEquals("", r.out());
        assertTrue(r.trace().lines().anyMatch(l -> l.matches("\\d+ MSG\\.99 ordinal 99\\(\\) = 1 ERROR_INVALID_FUNCTION")),
                r.trace());
        String pid = r.trace().lines().findFirst().orElseThrow().split(" ")[0];
        Assumptions.assumeTrue(log != null && Files.isRegularFile(Path.of(log)), "no runtime log file");
        String line = "pid " + pid + ": OS/2 API MSG.99 ordinal 99 is not implemented: ERROR_INVALID_FUNCTION";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!logSince(Path.of(log), logStart).contains(line) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, logSince(Path.of(log), logStart).lines().filter(l -> l.contains(line)).count(), line);
    }

    /** What the runtime log got since {@code offset}. */
    private static String logSince(Path log, long offset) throws java.io.IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
    }

    /**
     * DosSetExceptionHandler with real dispatch: the program reads address 0, its handler sees
     * XCPT_ACCESS_VIOLATION with the address, moves EIP past the instruction and continues; the program prints
     * "recovered" and exits with 42 + the address. Without a handler the same fault ends the process (SIGSEGV's
     * status, SYS3175 traced) and the runtime carries on.
     */
    @Test
    void guestFaultsGoToTheExceptionHandlerOrEndTheProcess() throws Exception {
        Run handled = run("/", resource("xcpt.exe"));
        assertEquals(ExitStatus.exited(42), handled.status(), handled.trace());
        assertEquals("recovered\r\n", handled.out());
        assertTrue(handled.trace().contains("DosSetExceptionHandler("), handled.trace());
        assertTrue(handled.trace().contains("exception 0xc0000005"), handled.trace());
        Run unhandled = run("/", resource("fault.exe"));
        assertEquals(11, unhandled.status().signal(), unhandled.status() + " " + unhandled.trace());
        assertTrue(unhandled.trace().contains("SYS3175"), unhandled.trace());
        assertEquals(ExitStatus.exited(0), run("/", corpus().resolve("2ine/hello.exe")).status());
    }

    /**
     * A bad image is one clear line and status 126: truncated anywhere in its headers or tables, a corrupt
     * module name (control bytes and line breaks are shown as \\xNN, never raw), a missing DLL.
     */
    @Test
    void badImagesAreOneLineWithStatus126() throws Exception {
        byte[] hello = Files.readAllBytes(corpus().resolve("2ine/testbeep.exe"));
        byte[] helloc = Files.readAllBytes(corpus().resolve("2ine/helloc.exe"));
        List<String> messages = new ArrayList<>();
        for (int cut : new int[] {0, 1, 2, 0x3c, 0x40, 0x80, 0x90, 0x100, 0x180, 0x200, 0x300, hello.length / 2,
            hello.length - 1}) {
            Path f = dir.resolve("cut" + cut + ".exe");
            Files.write(f, java.util.Arrays.copyOf(hello, cut));
            ImageException e = assertThrows(ImageException.class, () -> run("/", f), "cut at " + cut);
            messages.add(e.status() + " " + e.getMessage());
        }
        // the import module name emx becomes e, line feed, BEL
        int at = indexOf(helloc, "\u0003emx".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(at > 0, "helloc.exe imports EMX");
        byte[] corrupt = helloc.clone();
        corrupt[at + 2] = '\n';
        corrupt[at + 3] = 7;
        Path c = dir.resolve("corrupt.exe");
        Files.write(c, corrupt);
        ImageException e = assertThrows(ImageException.class, () -> run("/", c));
        messages.add(e.status() + " " + e.getMessage());
        assertTrue(e.getMessage().contains("cannot find module E\\x0a\\x07"), e.getMessage());
        Path alone = dir.resolve("helloc.exe");
        Files.write(alone, helloc);
        ImageException noDll = assertThrows(ImageException.class, () -> run("/", alone));
        messages.add(noDll.status() + " " + noDll.getMessage());
        assertTrue(noDll.getMessage().contains("cannot find module EMX"), noDll.getMessage());
        for (String m : messages) {
            assertTrue(m.startsWith("126 "), m);
            assertTrue(m.chars().noneMatch(ch -> ch < 0x20 || ch >= 0x7f), () -> "raw bytes: " + m);
            assertTrue(m.length() < 400, m);
        }
    }

    /**
     * A guest fault for faults.exe: the instruction, the OS/2 exception number, the signal when unhandled
     * (xcpt 0: no handler can run, as with an exhausted stack: the process ends either way).
     */
    record Fault(String what, String hex, long xcpt, int signal) {
    }

    private static final List<Fault> FAULTS = List.of(
            new Fault("read of address 0", "31c08b00", 0xc0000005L, 11),
            new Fault("write of address 0", "c7050000000001000000", 0xc0000005L, 11),
            new Fault("wild jump", "b80000f07fffe0", 0xc0000005L, 11),
            new Fault("jump into the kernel half", "b8000000c0ffe0", 0xc0000005L, 11),
            new Fault("division by zero", "31c9f7f1", 0xc000009bL, 8),
            new Fault("ud2", "0f0b", 0xc000001cL, 4),
            new Fault("int3", "cc", 0xc000009fL, 5),
            new Fault("hlt (privileged)", "f4", 0xc000009dL, 11),
            new Fault("cli (privileged)", "fa", 0xc000009dL, 11),
            new Fault("mov cr0 (privileged)", "0f20c0", 0xc000009dL, 11),
            new Fault("int 0x80", "cd80", 0xc0000005L, 11),
            new Fault("stack overflow", "e8fbffffff", 0, 11));

    /**
     * Issue 10, point 2 for OS/2: each guest fault reaches the handler installed with DosSetExceptionHandler with
     * its OS/2 exception number (the handler exits with its low byte), and ends the process with the matching
     * signal when the handler passes it on (XCPT_CONTINUE_SEARCH). The runtime carries on.
     */
    @Test
    void eachGuestFaultIsAnOs2ExceptionOrEndsTheProcess() throws Exception {
        byte[] template = Files.readAllBytes(resource("faults.exe"));
        int nops = indexOf(template, new byte[] {(byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90,
            (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90,
            (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90,
            (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90,
            (byte) 0x90, (byte) 0x90, (byte) 0x90});
        int mode = indexOf(template, "MODE".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(nops > 0 && mode > 0, "faults.exe has its patch places");
        Run none = run("/", resource("faults.exe"));
        assertEquals(ExitStatus.exited(0), none.status(), "without a fault: " + none.trace());
        List<String> results = new ArrayList<>();
        for (Fault f : FAULTS) {
            byte[] code = java.util.HexFormat.of().parseHex(f.hex());
            for (boolean handled : new boolean[] {true, false}) {
                byte[] b = template.clone();
                System.arraycopy(code, 0, b, nops, code.length);
                if (!handled) {
                    System.arraycopy("PASS".getBytes(StandardCharsets.ISO_8859_1), 0, b, mode, 4);
                }
                Path exe = dir.resolve("fault.exe");
                Files.write(exe, b);
                Run r = run("/", exe);
                String what = f.what() + (handled ? ", handled" : ", passed on") + ": " + r.status() + " "
                        + r.trace().lines().filter(l -> l.contains("exception") || l.contains("SYS3175")).toList();
                results.add(what);
                if (f.xcpt() == 0) {
                    assertEquals(f.signal(), r.status().signal(), what);
                    assertTrue(r.trace().contains("SYS3175"), what);
                    continue;
                }
                assertTrue(r.trace().contains(String.format("exception 0x%08x", f.xcpt())), what + "\n" + r.trace());
                if (handled) {
                    assertEquals(ExitStatus.exited((int) (f.xcpt() & 0xff)), r.status(), what);
                } else {
                    assertEquals(f.signal(), r.status().signal(), what);
                    assertTrue(r.trace().contains("SYS3175"), what);
                }
            }
        }
        System.out.println("Os2ProgramsTest faults:\n  " + String.join("\n  ", results));
        assertEquals(ExitStatus.exited(0), run("/", corpus().resolve("2ine/hello.exe")).status());
    }

    /**
     * Issue 10, point 4 for OS/2: with a memory limit of 128 MB, DosAllocMem of committed 16 MiB blocks fails
     * with ERROR_NOT_ENOUGH_MEMORY before the limit is passed, and the program carries on (frees a block,
     * allocates again, prints, exits with the number of blocks it got).
     */
    @Test
    void beyondTheMemoryLimitDosAllocMemIsNotEnoughMemoryAndTheProgramCarriesOn() throws Exception {
        Path exe = resource("allocmem.exe");
        try {
            ReliabilityKit.configure(kernel, configAdmin, Map.of("memoryLimitMB", 128L));
            Run r = run("/", exe);
            assertEquals("carried on\r\n", r.out(), r.status() + " " + r.trace());
            int blocks = r.status().code();
            assertTrue(blocks >= 3 && blocks < 8, "16 MiB blocks under a 128 MB limit: " + blocks);
            assertTrue(r.trace().contains("DosAllocMem(") && r.trace().contains("= 8 ERROR_NOT_ENOUGH_MEMORY"),
                    r.trace());
        } finally {
            ReliabilityKit.restoreDefaults(kernel, configAdmin);
        }
    }

    /**
     * Drive letters: without configuration only C: (the root) exists; the provider's {@code drives} setting
     * (configuration io.pico.provider.os2) maps D: to a guest directory for processes started afterwards, and
     * {@code ..} stops at D:'s top.
     */
    @Test
    void driveLettersOtherThanCExistOnlyWhenConfigured() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("one"), "same");
        Files.writeString(dir.resolve("one"), "same");
        Files.writeString(data.resolve("probe"), "same");
        Files.writeString(dir.resolve("probe"), "other");
        Path cmp = corpus().resolve("os2tools/cmp.exe");
        Run before = run(dir.toString(), cmp, "D:\\one", "one");
        assertTrue(before.status().code() != 0 && before.trace().contains("ERROR_INVALID_DRIVE"), before.trace());
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration("io.pico.os2", "?");
        try {
            java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
            props.put("drives", new String[] {"D:" + data, "C:/", "E:/../.."});
            c.update(props);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Run mapped;
            while ((mapped = run(dir.toString(), cmp, "D:\\one", "one")).status().code() != 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(ExitStatus.exited(0), mapped.status(), mapped.trace());
            assertTrue(mapped.trace().contains("\"D:\\\\one\""), mapped.trace());
            // .. stops at D:'s top: D:\..\..\probe is data/probe (the same as one), not the probe beside data
            Run up = run(dir.toString(), cmp, "D:\\..\\..\\probe", "one");
            assertEquals(ExitStatus.exited(0), up.status(), up.out() + up.trace());
            Run e = run(dir.toString(), cmp, "E:\\one", "one");
            assertTrue(e.status().code() != 0 && e.trace().contains("ERROR_INVALID_DRIVE"), e.trace());
        } finally {
            c.delete();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Run after;
        while ((after = run(dir.toString(), cmp, "D:\\one", "one")).status().code() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(after.trace().contains("ERROR_INVALID_DRIVE"), after.trace());
    }

    /**
     * The APIs of issue 6 that no corpus program calls, in one program (apis.asm): DosCreateDir,
     * DosSetCurrentDir (case-insensitive), DosQueryCurrentDir and DosQueryCurrentDisk, DosOpen/DosWrite/DosClose,
     * DosCopy, DosQueryFileInfo, DosCreateThread + DosKillThread of a thread in DosSleep + DosWaitThread, an event
     * semaphore posted, waited for and reset, DosAllocMem reserved then committed with DosSetMem (DosQueryMem
     * before and after) and DosFreeMem, NLS DosMapCase and DosQueryCtryInfo, DosDeleteDir refusing a directory
     * with files, DosDelete, DosDeleteDir. A wrong result exits with the step's number.
     */
    @Test
    void theFileThreadSemaphoreMemoryAndNlsApisBehave() throws Exception {
        Path exe = resource("apis.exe");
        Run r = run(dir.toString(), exe);
        assertEquals(ExitStatus.exited(0), r.status(), r.out() + r.trace());
        assertEquals("cwd=" + dir.toString().substring(1).replace('/', '\\') + "\\newdir\r\nHELLO\r\n", r.out());
        assertTrue(Files.notExists(dir.resolve("newdir")), "the directory was deleted");
        for (String call : List.of("DOSCALLS.258 DosCopy(", "DOSCALLS.111 DosKillThread(", "DOSCALLS.349 DosWaitThread(",
            "DOSCALLS.305 DosSetMem(", "NLS.7 DosMapCase(", "NLS.5 DosQueryCtryInfo(")) {
            assertTrue(r.trace().lines().anyMatch(l -> l.contains(call) && l.endsWith("= 0 NO_ERROR")), call + "\n" + r.trace());
        }
        assertTrue(r.trace().lines().anyMatch(l -> l.contains("DosDeleteDir(") && !l.endsWith("= 0 NO_ERROR")), r.trace());
    }

    /**
     * A process's end closes its semaphores: semname.exe creates the named mutex \\SEM32\\PICOTEST, takes it and
     * exits without closing it; run again (and a third time), it can create the name anew instead of getting
     * ERROR_DUPLICATE_NAME from a semaphore that outlived its only process.
     */
    @Test
    void aProcessEndClosesItsNamedSemaphores() throws Exception {
        Path exe = resource("semname.exe");
        for (int i = 0; i < 3; i++) {
            Run r = run("/", exe);
            assertEquals(ExitStatus.exited(0), r.status(), "run " + i + ": " + r.trace());
            assertTrue(r.trace().contains("DosCreateMutexSem(") && r.trace().contains("\\SEM32\\PICOTEST"), r.trace());
        }
    }

    private static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= data.length; i++) {
            for (int k = 0; k < what.length; k++) {
                if (data[i + k] != what[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
