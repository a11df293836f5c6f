package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * FreeBSD-branded test programs: assembled with nasm, linked with ld and branded (OS/ABI FreeBSD, as brandelf
 * does), run as pico processes of the POSIX personality with their output and trace.
 */
final class FreeBsdKit {

    static final long TIMEOUT_SECONDS = 60;

    private FreeBsdKit() {
    }

    /** What a run gave: its status, standard output and error together, and its trace. */
    record Run(ExitStatus status, String out, String trace) {
    }

    /** Runs a program under {@code root} until it ends (at most {@link #TIMEOUT_SECONDS}), then reaps it. */
    static Run run(Kernel kernel, Path root, String program, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        IoObject[] stdio = {kernel.hostStream(java.io.InputStream.nullInputStream(), null, false),
            kernel.hostStream(null, out, false), kernel.hostStream(null, out, false)};
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(List.of(args));
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(program, argv, Map.of("HOME", "/", "PATH", "/bin"), "/", root, stdio,
                    new PrintStream(trace, true, StandardCharsets.UTF_8), 0));
        } finally {
            for (IoObject io : stdio) {
                io.release();
            }
        }
        boolean ended = kernel.awaitProcesses(() -> p.exitStatus().isPresent(),
                TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
        if (!ended) {
            kernel.signal(p.pid(), "KILL");
        }
        ExitStatus status = p.waitFor();
        kernel.reap(p.pid());
        String t = trace.toString(StandardCharsets.UTF_8);
        assertTrue(ended, () -> "timed out; trace:\n" + t);
        return new Run(status, out.toString(StandardCharsets.ISO_8859_1), t);
    }

    /** Assembles, links and brands a program in {@code dir}. */
    static Path build(Path dir, String name, String source) throws Exception {
        Path asm = dir.resolve(name + ".asm");
        Path obj = dir.resolve(name + ".o");
        Path exe = dir.resolve(name);
        Files.writeString(asm, source);
        exec("nasm", "-f", "elf64", "-o", obj.toString(), asm.toString());
        exec("ld", "-static", "-o", exe.toString(), obj.toString());
        byte[] b = Files.readAllBytes(exe);
        b[7] = 9; // ELFOSABI_FREEBSD
        Files.write(exe, b);
        return exe;
    }

    private static void exec(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.assumeTrue(false, command[0] + " is not installed");
            return;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> String.join(" ", command) + ": " + output);
    }

    /** Shared assembly: system call numbers and small helpers (print a string constant, exit). */
    static final String PRELUDE = """
            bits 64
            %define SYS_exit 1
            %define SYS_fork 2
            %define SYS_read 3
            %define SYS_write 4
            %define SYS_open 5
            %define SYS_close 6
            %define SYS_wait4 7
            %define SYS_unlink 10
            %define SYS_getpid 20
            %define SYS_kill 37
            %define SYS_sigprocmask 340
            %define SYS_sigaction 416
            %define SYS_lseek 478
            %define SYS_pipe2 542
            %define SYS_fstat 551
            %macro print 1
              jmp %%over
              %%s: db %1
              %%e:
              %%over:
              mov edi, 1
              lea rsi, [rel %%s]
              mov edx, %%e - %%s
              mov eax, SYS_write
              syscall
            %endmacro
            %macro exit 1
              mov edi, %1
              mov eax, SYS_exit
              syscall
            %endmacro
            section .text
            global _start
            _start:
            """;

    /**
     * A process started with a kernel pipe as its standard input and another as its standard output and error; the
     * test writes to {@link #in} and reads {@link #out}. {@link #close} kills it if it still runs, reaps it and
     * releases the test's ends.
     */
    record Piped(Kernel kernel, PicoProcess process, IoObject in, IoObject out) implements AutoCloseable {
        static Piped spawn(Kernel kernel, String program, List<String> argv, Map<String, String> env)
                throws Exception {
            IoObject[] in = kernel.pipe();
            IoObject[] out = kernel.pipe();
            PicoProcess p;
            try {
                p = kernel.spawn(new Launch(program, argv, env, "/", Path.of("/"),
                        new IoObject[] {in[0], out[1], out[1]}, null, 0));
            } catch (Exception | Error e) {
                in[1].release();
                out[0].release();
                throw e;
            } finally {
                in[0].release();
                out[1].release();
            }
            return new Piped(kernel, p, in[1], out[0]);
        }

        /** Writes a line to the process's standard input. */
        void send(String line) throws Exception {
            in.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        }

        /** Waits (at most {@link #TIMEOUT_SECONDS}) for the process to end, and returns how. */
        ExitStatus ended() throws Exception {
            assertTrue(kernel.awaitProcesses(() -> process.exitStatus().isPresent(),
                    TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS)), "the process ended");
            return process.exitStatus().orElseThrow();
        }

        @Override
        public void close() throws Exception {
            try {
                if (process.exitStatus().isEmpty()) {
                    kernel.signal(process.pid(), "KILL");
                }
                process.waitFor();
                kernel.reap(process.pid());
            } finally {
                in.release();
                out.release();
            }
        }
    }

    /** The FreeBSD provider bundle (io.pico.provider.posix). */
    static org.osgi.framework.Bundle provider(Class<?> test) {
        return java.util.Arrays.stream(org.osgi.framework.FrameworkUtil.getBundle(test).getBundleContext().getBundles())
                .filter(b -> "io.pico.provider.posix".equals(b.getSymbolicName())).findFirst().orElseThrow();
    }

    /** Waits (at most 10 s) until a provider of the POSIX personality is registered again. */
    static void awaitProvider(Kernel kernel) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (kernel.providers().stream().noneMatch(i -> i.personality().equals("posix"))) {
            assertTrue(System.nanoTime() < end, "the provider came back");
            Thread.sleep(10);
        }
    }

    /**
     * Runs {@code exe}, which writes {@code ready} once it holds the state under test, then stops and starts the
     * FreeBSD provider (its processes wait in the kernel and the new instance imports their state), sends "go" and
     * expects the program to print "kept" and exit 0.
     */
    static void keepsItsStateAcrossAProviderRestart(Kernel kernel, Class<?> test, Path exe, String ready)
            throws Exception {
        try (Piped p = Piped.spawn(kernel, exe.toString(), List.of(exe.toString()), Map.of())) {
            assertEquals(ready, readSome(p.out(), ready.length()));
            org.osgi.framework.Bundle provider = provider(test);
            provider.stop();
            provider.start();
            awaitProvider(kernel);
            p.send("go");
            assertEquals("kept", readSome(p.out(), 4));
            assertEquals(ExitStatus.exited(0), p.ended());
        }
    }

    /** Reads exactly {@code n} bytes from a kernel pipe, with a time limit. */
    static String readSome(IoObject pipe, int n) throws Exception {
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            return ex.submit(() -> {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(n);
                while (b.hasRemaining()) {
                    if (pipe.read(b) < 0) {
                        break;
                    }
                }
                return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
            }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            ex.shutdownNow();
        }
    }
}
