package io.pico.runtime.test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * OS/2 test programs for the cross-personality tests, as none of the corpus programs starts another program or
 * reads its standard input: hand-assembled code (nasm, bits 32, org 0x10000; sources in the comments) in LX
 * images built here (a copy of the OS/2 provider's test LxBuilder, which runtime tests cannot see).
 *
 * <p>Builds small LX programs for tests: one read-write-execute object at 0x10000 holding code and data (entry at
 * its start), a 64 KiB stack object, and 32-bit fixups of double words in the code to imported ordinals.
 */
final class Os2Images {

    static final int BASE = 0x10000;
    private final byte[] code;
    private final List<String> modules = new ArrayList<>();
    private final List<int[]> imports = new ArrayList<>();

    Os2Images(byte[] code) {
        this.code = code;
    }

    /** The double word at {@code offset} of the code receives the address of {@code module.ordinal}. */
    Os2Images importAt(int offset, String module, int ordinal) {
        int m = modules.indexOf(module);
        if (m < 0) {
            modules.add(module);
            m = modules.size() - 1;
        }
        imports.add(new int[] {offset, m + 1, ordinal});
        return this;
    }

    byte[] build() {
        int pages = (code.length + 4095) / 4096;
        ByteBuffer t = ByteBuffer.allocate(0x2000 + code.length).order(ByteOrder.LITTLE_ENDIAN);
        int lx = 0x40;
        t.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3c, lx);
        int objTable = lx + 0xc4;
        int pageMap = objTable + 2 * 24;
        int resNames = pageMap + pages * 8;
        int entry = resNames + 1 + 4 + 2 + 1;
        int fixPages = entry + 1;
        int fixRecs = fixPages + (pages + 1) * 4;
        ByteArrayOutputStream recs = new ByteArrayOutputStream();
        int[] pageStart = new int[pages + 1];
        for (int p = 0; p < pages; p++) {
            pageStart[p] = recs.size();
            for (int[] imp : imports) {
                if (imp[0] / 4096 == p) {
                    int src = imp[0] % 4096;
                    recs.write(0x07); // 32-bit offset
                    recs.write(0x01); // import by ordinal, 8-bit module, 16-bit ordinal
                    recs.write(src & 0xff);
                    recs.write(src >> 8);
                    recs.write(imp[1]);
                    recs.write(imp[2] & 0xff);
                    recs.write(imp[2] >> 8);
                }
            }
        }
        pageStart[pages] = recs.size();
        int impMods = fixRecs + recs.size();
        ByteArrayOutputStream mods = new ByteArrayOutputStream();
        for (String m : modules) {
            mods.write(m.length());
            mods.writeBytes(m.getBytes());
        }
        int impProcs = impMods + mods.size();
        int dataPages = (impProcs + 1 + 15) & ~15;
        t.put(lx, (byte) 'L').put(lx + 1, (byte) 'X');
        t.putShort(lx + 8, (short) 2).putShort(lx + 0xa, (short) 1);
        t.putInt(lx + 0x10, 0x200);
        t.putInt(lx + 0x14, pages);
        t.putInt(lx + 0x18, 1).putInt(lx + 0x1c, 0);
        t.putInt(lx + 0x20, 2).putInt(lx + 0x24, 0x10000);
        t.putInt(lx + 0x28, 4096).putInt(lx + 0x2c, 0);
        t.putInt(lx + 0x40, objTable - lx).putInt(lx + 0x44, 2).putInt(lx + 0x48, pageMap - lx);
        t.putInt(lx + 0x58, resNames - lx).putInt(lx + 0x5c, entry - lx);
        t.putInt(lx + 0x68, fixPages - lx).putInt(lx + 0x6c, fixRecs - lx);
        t.putInt(lx + 0x70, impMods - lx).putInt(lx + 0x74, modules.size());
        t.putInt(lx + 0x78, impProcs - lx).putInt(lx + 0x80, dataPages);
        t.putInt(lx + 0x94, 1).putInt(lx + 0xac, 0x10000);
        // objects: code+data (read, write, execute, 32-bit), stack
        t.putInt(objTable, code.length).putInt(objTable + 4, BASE).putInt(objTable + 8, 0x2007)
                .putInt(objTable + 12, 1).putInt(objTable + 16, pages);
        t.putInt(objTable + 24, 0x10000).putInt(objTable + 28, BASE + 0x10000 * ((code.length >> 16) + 1))
                .putInt(objTable + 32, 0x2003).putInt(objTable + 36, pages + 1).putInt(objTable + 40, 0);
        for (int p = 0; p < pages; p++) {
            t.putInt(pageMap + 8 * p, p * 4096).putShort(pageMap + 8 * p + 4,
                    (short) Math.min(4096, code.length - p * 4096)).putShort(pageMap + 8 * p + 6, (short) 0);
        }
        t.put(resNames, (byte) 4).put(resNames + 1, (byte) 'T').put(resNames + 2, (byte) 'E').put(resNames + 3,
                (byte) 'S').put(resNames + 4, (byte) 'T');
        for (int p = 0; p <= pages; p++) {
            t.putInt(fixPages + 4 * p, pageStart[p]);
        }
        t.position(fixRecs);
        t.put(recs.toByteArray());
        t.put(mods.toByteArray());
        t.position(dataPages);
        t.put(code);
        byte[] out = new byte[dataPages + code.length];
        t.get(0, out);
        return out;
    }

    /**
     * cat for OS/2 (128 bytes of code, then a 4 KiB buffer):
     * <pre>
     * start: jmp main                        ; slots at 8: DosRead 281, 12: DosWrite 282, 16: DosExit 234
     * main:  push actual / push 4096 / push buf / push 0 / call [slot_read] / add esp, 16
     *        test eax, eax / jnz fail / mov ecx, [actual] / test ecx, ecx / jz done
     *        push written / push ecx / push buf / push 1 / call [slot_write] / add esp, 16
     *        test eax, eax / jnz fail / jmp main
     * done:  push 0 / push 1 / call [slot_exit]   ; DosExit(EXIT_PROCESS, 0)
     * fail:  push eax / push 1 / call [slot_exit]  ; DosExit(EXIT_PROCESS, the error)
     * </pre>
     */
    static byte[] cat() {
        byte[] code = java.util.Arrays.copyOf(java.util.HexFormat.of().parseHex(""
                + "eb1a90909090909000000000000000000000000000000000000000006814000100680010000068800001006a00ff1508"
                + "00010083c41085c075308b0d1400010085c9741c68180001005168800001006a01ff150c00010083c41085c0750cebbc"
                + "6a006a01ff1510000100506a01ff151000010090909090909090909090909090"), 128 + 4096);
        return new Os2Images(code).importAt(8, "DOSCALLS", 281).importAt(12, "DOSCALLS", 282)
                .importAt(16, "DOSCALLS", 234).build();
    }

    /**
     * DosExecPgm(EXEC_SYNC) of HELLO.EXE with the arguments "hello", then DosExit(EXIT_PROCESS, 100 + the
     * child's result code), or the error of DosExecPgm (the EXEC program of the OS/2 provider's tests; import
     * slots at 8, 12, ... for DOSCALLS 354, 355, 282, 234, 273, 281, 257, 256, 223, 271, 259, 283, 264, 263).
     */
    static byte[] execHello() {
        Os2Images b = new Os2Images(java.util.HexFormat.of().parseHex(""
                + "e93b00000090909000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                + "0000000000000000000000000000000068c900010068810001006a0068d30001006a006a406889000100ff1534000100"
                + "83c41c85c07511a18500010083c064506a01ff1514000100506a01ff1514000100000000000000000000000000000000"
                + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                + "00000000000000000048454c4c4f2e4558450068656c6c6f000000"));
        int[] ordinals = {354, 355, 282, 234, 273, 281, 257, 256, 223, 271, 259, 283, 264, 263};
        for (int i = 0; i < ordinals.length; i++) {
            b.importAt(8 + 4 * i, "DOSCALLS", ordinals[i]);
        }
        return b.build();
    }
}
