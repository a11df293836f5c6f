package io.pico.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CpuException;
import io.pico.api.CpuMode;
import io.pico.api.Register;
import io.pico.kernel.engine.Engine;
import io.pico.kernel.engine.EngineListener;
import io.pico.kernel.engine.UnicornEngineFactory;
import io.pico.unicorn.Unicorn;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engines keep an image's read-only pages (the image's one shared view) and their translations when the same
 * pages are mapped again at the same address: after an unmap and map in one process (exec of the same program)
 * and in the next process a pooled engine serves. A write by the kernel into such pages gives that process its own
 * copy, which its engine runs (never the kept translation), and no other process sees the write.
 */
class KeptTranslationsTest {

    private static final long X = 0x40_0000;
    private static final long PAGE = 4096;

    @TempDir
    Path dir;

    /** Runs the code at X until its syscall; returns RAX then. */
    private static long run(KAddressSpace space, Engine[] engine, long[] seen) throws Exception {
        seen[0] = space.sync(engine[0], seen[0]);
        engine[0].run(X);
        return engine[0].get(Register.RAX);
    }

    private static EngineListener stopAtSyscall(Engine[] engine) {
        return new EngineListener() {
            @Override
            public void onSyscall() {
                engine[0].stop();
            }

            @Override
            public void onInterrupt(int vector) {
                throw new IllegalStateException("interrupt " + vector);
            }

            @Override
            public boolean onInvalidMemory(CpuException.Kind kind, CpuException.Access access, long address) {
                return false;
            }

            @Override
            public boolean onInvalidInstruction() {
                return false;
            }
        };
    }

    @Test
    void anImagesPagesAreKeptAcrossExecAndProcessesAndAKernelWriteIsRun() throws Exception {
        byte[] code = new byte[(int) PAGE];
        byte[] prog = {(byte) 0xB8, 1, 0, 0, 0, 0x0F, 0x05}; // mov eax, 1; syscall
        System.arraycopy(prog, 0, code, 0, prog.length);
        Path file = Files.write(dir.resolve("prog"), code);
        UnicornEngineFactory factory = new UnicornEngineFactory();
        long settled = Images.settledNanos;
        Images.settledNanos = 0; // the file was written just now: cache it at once, one copy for all three
        boolean pooled = Unicorn.isAtLeast21(); // unicorn 2.0 pools no engines
        KAddressSpace one = new KAddressSpace();
        KAddressSpace two = new KAddressSpace();
        KAddressSpace three = new KAddressSpace();
        Engine[] engine = new Engine[1];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertTrue(one.mapFile(X, PAGE, 5, ch, 0));
            engine[0] = factory.create(CpuMode.X86_64, stopAtSyscall(engine));
            long[] seen = {-1};
            assertEquals(1, run(one, engine, seen));

            long before = UnicornEngineFactory.keptMapsReused();
            one.unmap(X, PAGE); // exec: the old image goes, the same one comes back
            assertTrue(one.mapFile(X, PAGE, 5, ch, 0));
            assertEquals(1, run(one, engine, seen));
            assertEquals(before + 1, UnicornEngineFactory.keptMapsReused(), "the engine kept the range");
            engine[0].close(); // back to the pool, keeping the range
            one.forget(engine[0]);

            assertTrue(two.mapFile(X, PAGE, 5, ch, 0));
            engine[0] = factory.create(CpuMode.X86_64, stopAtSyscall(engine));
            seen[0] = -1;
            assertEquals(1, run(two, engine, seen));
            if (pooled) {
                assertEquals(before + 2, UnicornEngineFactory.keptMapsReused(), "the pooled engine kept the range");
            }
            two.putByte(X + 1, (byte) 2); // the kernel writes the code: this process's own copy
            assertEquals(2, run(two, engine, seen), "the engine runs the written code, not a kept translation");
            engine[0].close();
            two.forget(engine[0]);

            assertTrue(three.mapFile(X, PAGE, 5, ch, 0));
            engine[0] = factory.create(CpuMode.X86_64, stopAtSyscall(engine));
            seen[0] = -1;
            assertEquals(1, run(three, engine, seen), "another process never sees the write");
            assertEquals(1, three.getByte(X + 1));
            engine[0].close();
            three.forget(engine[0]);
        } finally {
            Images.settledNanos = settled;
            one.release();
            two.release();
            three.release();
        }
    }

    @Test
    void theKernelsDeactivationClosesPooledEnginesAndSoTheImageCopiesTheyKept() throws Exception {
        Assumptions.assumeTrue(Unicorn.isAtLeast21(), "unicorn 2.0 pools no engines");
        byte[] code = new byte[(int) PAGE];
        byte[] prog = {(byte) 0xB8, 1, 0, 0, 0, 0x0F, 0x05}; // mov eax, 1; syscall
        System.arraycopy(prog, 0, code, 0, prog.length);
        Path file = Files.write(dir.resolve("prog"), code);
        UnicornEngineFactory factory = new UnicornEngineFactory();
        KernelImpl kernel = new KernelImpl(factory, new KernelLog(null), Limits.defaults());
        long settled = Images.settledNanos;
        Images.settledNanos = 0; // cache the new file's copy at once
        int before = Images.OPEN.get();
        KAddressSpace space = new KAddressSpace();
        Engine[] engine = new Engine[1];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertTrue(space.mapFile(X, PAGE, 5, ch, 0));
            assertEquals(before + 1, Images.OPEN.get(), "one copy of the new file");
            engine[0] = factory.create(CpuMode.X86_64, stopAtSyscall(engine));
            assertEquals(1, run(space, engine, new long[] {-1}));
            engine[0].close(); // back to the pool, keeping the image's range
            space.forget(engine[0]);
        } finally {
            Images.settledNanos = settled;
            space.release();
        }
        assertEquals(1, factory.pooled());
        assertEquals(before + 1, Images.OPEN.get(), "the cache and the pooled engine hold the copy");
        kernel.deactivate();
        assertEquals(before, Images.OPEN.get(), "no image copy stays open after the kernel stopped");
        assertEquals(0, factory.pooled(), "the kernel's deactivation closed the pooled engine");
    }
}
