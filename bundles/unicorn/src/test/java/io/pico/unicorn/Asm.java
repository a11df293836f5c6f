package io.pico.unicorn;

import java.io.ByteArrayOutputStream;

/** Hand-assembled machine code: one instruction per string, bytes in hex, the assembly in a comment next to it. */
final class Asm {
    private Asm() {
    }

    static byte[] code(String... instructions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String insn : instructions) {
            for (String b : insn.trim().split("\\s+")) {
                if (!b.isEmpty()) {
                    out.write(Integer.parseInt(b, 16));
                }
            }
        }
        return out.toByteArray();
    }
}
