; SWAP.COM: for the hot-swap test. Creates LOG.TXT and writes "before " to it, then blocks reading standard
; input (the provider is swapped meanwhile: the read is restarted under the new one), writes what it read
; to LOG.TXT through the handle opened before the swap, closes it and prints "done".
        org 100h
%include "dos.inc"
main:   mov ah, 3Ch
        xor cx, cx
        mov dx, log
        int 21h
        jc fail
        mov [h], ax
        mov ah, 40h
        mov bx, [h]
        mov cx, 7
        mov dx, before
        int 21h
        jc fail
        mov ah, 3Fh
        xor bx, bx
        mov cx, 64
        mov dx, buf
        int 21h
        jc fail
        mov cx, ax
        mov ah, 40h
        mov bx, [h]
        mov dx, buf
        int 21h
        jc fail
        mov ah, 3Eh
        mov bx, [h]
        int 21h
        jc fail
        print done
        exit 0
fail:   exit 1
log     db "LOG.TXT", 0
before  db "before "
done    db "done", 13, 10, "$"
h       dw 0
buf     times 64 db 0
