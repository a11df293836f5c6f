package io.pico.runtime.test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * 16-bit OS/2 1.x test programs: hand-assembled 16-bit code in NE images built here, for the APIs the corpus's
 * NE programs do not call (VioWrtTTY, KbdCharIn). An image has two segments: code (segment 1, entry at its start,
 * far calls fixed up to imported ordinals by chained 16:16 relocations) and the automatic data segment (segment 2,
 * also the stack: SS:SP = 2:{@code dataSize}), the layout of an OS/2 1.x small-model program.
 */
final class Ne16Images {

    private static final int SHIFT = 4;
    private final byte[] code;
    private final byte[] data;
    private final int dataSize;
    private final List<String> modules = new ArrayList<>();
    private final List<int[]> imports = new ArrayList<>();

    /** {@code data} at the start of a data segment of {@code dataSize} bytes (a multiple of 2, stack included). */
    Ne16Images(byte[] code, byte[] data, int dataSize) {
        this.code = code.clone();
        this.data = data;
        this.dataSize = dataSize;
    }

    /** The far pointer at {@code offset} of the code (the operand of a {@code call far}) receives module.ordinal. */
    Ne16Images importAt(int offset, String module, int ordinal) {
        int m = modules.indexOf(module);
        if (m < 0) {
            modules.add(module);
            m = modules.size() - 1;
        }
        // a chain of one: the source holds the offset of the next source, 0xffff for none
        code[offset] = (byte) 0xff;
        code[offset + 1] = (byte) 0xff;
        imports.add(new int[] {offset, m + 1, ordinal});
        return this;
    }

    byte[] build() {
        ByteBuffer tables = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        int segTable = 0x40;
        tables.position(segTable + 16);
        int resident = tables.position();
        pascal(tables, "TEST16");
        tables.putShort((short) 0);
        tables.put((byte) 0);
        int modRef = tables.position();
        tables.position(modRef + 2 * modules.size());
        int importedNames = tables.position();
        tables.put((byte) 0); // offset 0 names nothing
        List<Integer> nameOffsets = new ArrayList<>();
        for (String m : modules) {
            nameOffsets.add(tables.position() - importedNames);
            pascal(tables, m);
        }
        int entryTable = tables.position();
        tables.put((byte) 0); // no entries
        int end = tables.position();
        for (int i = 0; i < modules.size(); i++) {
            tables.putShort(modRef + 2 * i, (short) (int) nameOffsets.get(i));
        }
        int ne = 0x40;
        int codeAt = align(ne + end);
        int relocsLength = 2 + 8 * imports.size();
        int dataAt = align(codeAt + code.length + relocsLength);
        ByteBuffer f = ByteBuffer.allocate(dataAt + data.length).order(ByteOrder.LITTLE_ENDIAN);
        f.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3c, ne);
        // NE header
        f.put(ne, (byte) 'N').put(ne + 1, (byte) 'E').put(ne + 2, (byte) 5).put(ne + 3, (byte) 1);
        f.putShort(ne + 0x04, (short) entryTable).putShort(ne + 0x06, (short) (end - entryTable));
        f.putShort(ne + 0x0c, (short) 0x0002); // per-instance data, a program
        f.putShort(ne + 0x0e, (short) 2); // automatic data segment
        f.putShort(ne + 0x12, (short) 0); // the stack is inside the data segment's size
        f.putShort(ne + 0x14, (short) 0).putShort(ne + 0x16, (short) 1); // CS:IP = 1:0
        f.putShort(ne + 0x18, (short) dataSize).putShort(ne + 0x1a, (short) 2); // SS:SP = 2:dataSize
        f.putShort(ne + 0x1c, (short) 2).putShort(ne + 0x1e, (short) modules.size());
        f.putShort(ne + 0x22, (short) segTable).putShort(ne + 0x24, (short) resident);
        f.putShort(ne + 0x26, (short) resident).putShort(ne + 0x28, (short) modRef);
        f.putShort(ne + 0x2a, (short) importedNames);
        f.putShort(ne + 0x32, (short) SHIFT);
        f.put(ne + 0x36, (byte) 1); // OS/2
        for (int i = 0x40; i < end; i++) {
            f.put(ne + i, tables.get(i));
        }
        // segment table: code with relocations, then data
        f.putShort(ne + segTable, (short) (codeAt >> SHIFT)).putShort(ne + segTable + 2, (short) code.length)
                .putShort(ne + segTable + 4, (short) 0x0100).putShort(ne + segTable + 6, (short) code.length);
        f.putShort(ne + segTable + 8, (short) (dataAt >> SHIFT)).putShort(ne + segTable + 10, (short) data.length)
                .putShort(ne + segTable + 12, (short) 0x0001).putShort(ne + segTable + 14, (short) dataSize);
        f.put(codeAt, code);
        int r = codeAt + code.length;
        f.putShort(r, (short) imports.size());
        for (int i = 0; i < imports.size(); i++) {
            int[] imp = imports.get(i);
            int at = r + 2 + 8 * i;
            f.put(at, (byte) 3).put(at + 1, (byte) 1); // 16:16 far pointer, import by ordinal, chained
            f.putShort(at + 2, (short) imp[0]).putShort(at + 4, (short) imp[1]).putShort(at + 6, (short) imp[2]);
        }
        f.put(dataAt, data);
        return f.array();
    }

    private static int align(int n) {
        int a = 1 << SHIFT;
        return (n + a - 1) & -a;
    }

    private static void pascal(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        b.put((byte) bytes.length).put(bytes);
    }

    /**
     * Prints {@code key? } with VioWrtTTY, reads one key with KbdCharIn (waiting), echoes its character with
     * VioWrtTTY and exits with the character as its status (DosExit). Data: the prompt at 0, the KBDKEYINFO at
     * 0x10.
     */
    static byte[] echoKey() {
        byte[] code = {
            0x1e, 0x6a, 0x00, 0x6a, 0x05, 0x6a, 0x00, // push ds; push 0 (prompt); push 5 (length); push 0 (hvio)
            (byte) 0x9a, 0, 0, 0, 0, // call far VIOCALLS.19 VioWrtTTY          (operand at 8)
            0x1e, 0x6a, 0x10, 0x6a, 0x00, 0x6a, 0x00, // push ds; push 0x10 (key info); push 0 (IO_WAIT); push 0
            (byte) 0x9a, 0, 0, 0, 0, // call far KBDCALLS.4 KbdCharIn          (operand at 20)
            0x1e, 0x6a, 0x10, 0x6a, 0x01, 0x6a, 0x00, // push ds; push 0x10 (chChar); push 1; push 0
            (byte) 0x9a, 0, 0, 0, 0, // call far VIOCALLS.19 VioWrtTTY          (operand at 32)
            0x6a, 0x01, // push 1 (EXIT_PROCESS)
            (byte) 0xa0, 0x10, 0x00, // mov al, [0x10]
            0x32, (byte) 0xe4, // xor ah, ah
            0x50, // push ax
            (byte) 0x9a, 0, 0, 0, 0, // call far DOSCALLS.5 DosExit             (operand at 45)
            (byte) 0xf4 // hlt: never reached
        };
        byte[] data = new byte[0x20];
        System.arraycopy("key? ".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 5);
        return new Ne16Images(code, data, 0x400).importAt(8, "VIOCALLS", 19).importAt(20, "KBDCALLS", 4)
                .importAt(32, "VIOCALLS", 19).importAt(45, "DOSCALLS", 5).build();
    }
}
