package io.pico.posix.core;

import io.pico.api.AddressSpace;
import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.PicoThread;
import io.pico.api.VetoException;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.HostDirs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replacing the program of the calling process (execve) as Unix personalities share it: the argument and
 * environment arrays, {@code #!} scripts, the checks before the point of no return, then, outside the engine,
 * the end of the other threads, the old memory and the close-on-exec descriptors, and the personality's
 * loader.
 */
public final class Exec {

    /** The most argument or environment strings. */
    public static final int MAX_ARGS = 0x20000;
    /** How deep {@code #!} interpreters may nest. */
    public static final int MAX_SCRIPT_DEPTH = 4;

    private Exec() {
    }

    /** Reads a NULL-terminated array of string pointers (NULL array: empty); E2BIG when too long. */
    public static List<String> strings(Call c, long array) {
        List<String> result = new ArrayList<>();
        if (array == 0) {
            return result;
        }
        for (int i = 0; i < MAX_ARGS; i++) {
            long p = c.mem().getLong(array + 8L * i);
            if (p == 0) {
                return result;
            }
            result.add(c.string(p, 128 * 1024));
        }
        throw Errno.E2BIG.error();
    }

    /** The interpreter and its optional single argument of a {@code #!} line, or null when there is none. */
    public static String[] shebang(byte[] head, int n) {
        int end = 2;
        while (end < n && head[end] != '\n') {
            end++;
        }
        String line = new String(head, 2, end - 2, StandardCharsets.UTF_8).strip();
        if (line.isEmpty()) {
            return null;
        }
        int space = line.indexOf(' ');
        int tab = line.indexOf('\t');
        int split = space < 0 ? tab : tab < 0 ? space : Math.min(space, tab);
        if (split < 0) {
            return new String[] {line, null};
        }
        String arg = line.substring(split + 1).strip();
        return new String[] {line.substring(0, split), arg.isEmpty() ? null : arg};
    }

    /**
     * execve(2): checks the image (following {@code #!} lines) and, by the loader, the final argument lists; an
     * image the loader does not claim goes to {@link ImageLoader#foreign}; else validates it with the loader, tells
     * the process observers (a veto is EACCES), and then (returning to no one) replaces the program once the call
     * has left the engine: the other threads, the old memory, the close-on-exec descriptors, caught signals'
     * handlers ({@link PosixProcess#exec}) and the calling thread's alternate signal stack go, and the loader loads
     * the new image (a failure then kills the process).
     *
     * @param name the path as the guest named it (the script name for interpreters, AT_EXECFN)
     */
    public static <P> long execve(Call c, GuestFs.Resolved image, String name, List<String> argv, List<String> env,
            ImageLoader<P> loader) throws IOException {
        GuestFs.Resolved r = image;
        String shown = name;
        List<String> args = argv;
        for (int depth = 0;; depth++) {
            if (r.synthetic()) {
                throw Errno.EACCES.error();
            }
            Path host = c.fs().secure(r); // the host follows no link on the way, nor in the last component
            if (!java.nio.file.Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
                throw Errno.ENOENT.error();
            }
            if (!java.nio.file.Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS)
                    || !java.nio.file.Files.isExecutable(host)) {
                throw Errno.EACCES.error();
            }
            byte[] head = new byte[256];
            int n;
            try (InputStream in = java.nio.file.Files.newInputStream(host, LinkOption.NOFOLLOW_LINKS)) {
                n = in.readNBytes(head, 0, head.length);
            }
            if (n >= 2 && head[0] == '#' && head[1] == '!') {
                if (depth >= MAX_SCRIPT_DEPTH) {
                    throw Errno.ELOOP.error();
                }
                String[] interp = shebang(head, n);
                if (interp == null) {
                    throw Errno.ENOEXEC.error();
                }
                List<String> next = new ArrayList<>();
                next.add(interp[0]);
                if (interp[1] != null) {
                    next.add(interp[1]);
                }
                next.add(shown);
                next.addAll(args.isEmpty() ? List.of() : args.subList(1, args.size()));
                args = next;
                shown = interp[0];
                r = c.fs().resolve(c.state().cwd(), interp[0], true);
                continue;
            }
            loader.check(c, shown, r, args, env);
            if (!loader.claims(Arrays.copyOf(head, n))) {
                return loader.foreign(c, r, shown, args, env);
            }
            break;
        }
        P prepared;
        try {
            prepared = loader.prepare(c, shown, r);
        } catch (ImageException e) {
            throw (e.status() == ImageException.NOT_FOUND ? Errno.ENOENT : Errno.ENOEXEC).error();
        }
        try {
            // the header is read through the name that follows no host link; the guest path is the name given
            c.kernel().imageStarting(c.process(), c.kernel().image(c.fs().secure(r), shown), args);
        } catch (VetoException e) {
            c.log("exec of " + r.guest() + " refused: " + e.getMessage());
            throw Errno.EACCES.error();
        }
        c.noReturn();
        List<String> finalArgs = List.copyOf(args);
        List<String> finalEnv = List.copyOf(env);
        String guest = r.guest();
        // the loader reads the image after the call, through the directories opened now (GuestFs.secure names)
        AutoCloseable opened = HostDirs.detach();
        c.thread().defer(() -> {
            try (opened) {
                replace(c, guest, prepared, finalArgs, finalEnv, loader);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                // closing directory streams
            }
        });
        return 0;
    }

    /** The point of no return: the old program goes, the new one is loaded into the same process. */
    private static <P> void replace(Call c, String guest, P prepared, List<String> argv, List<String> env,
            ImageLoader<P> loader) {
        discardImage(c);
        c.state().exec(guest, argv, env);
        // the alternate signal stack was in the old memory: the new program starts without one (POSIX)
        c.state().thread(c.thread()).altStack(0, 0, true);
        try {
            loader.load(c, prepared, argv, env);
        } catch (ImageException e) {
            c.log("execve failed after the point of no return: " + e.getMessage());
            c.process().exit(ExitStatus.signalled(c.abi().signals().number("KILL"), "exec failed: " + e.getMessage()));
            return;
        }
        c.process().command(argv);
    }

    /** Ends every other thread of the process and unmaps all of its memory. */
    public static void discardImage(Call c) {
        PicoThread self = c.thread();
        for (PicoThread t : c.process().threads()) {
            if (t != self) {
                t.exit();
            }
        }
        AddressSpace mem = c.mem();
        for (AddressSpace.Region region : mem.regions()) {
            mem.unmap(region.start(), region.end() - region.start());
        }
    }
}
