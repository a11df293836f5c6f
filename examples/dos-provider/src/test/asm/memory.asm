; MEMORY.COM: the memory calls. A .COM program owns all memory at start, so an allocation fails (E08)
; until it shrinks its own block (AH=4Ah, ES = its PSP) to 64 KB; then it allocates 4 KB (AH=48h),
; writes into it, frees it (AH=49h), and asks for too much (E08, BX = the largest free block).
        org 100h
%include "dos.inc"
main:   mov ah, 48h
        mov bx, 100h
        int 21h
        call result
        mov ah, 4Ah
        mov bx, 1000h
        int 21h                     ; ES is the PSP's segment at start
        call result
        mov ah, 48h
        mov bx, 100h
        int 21h
        call result
        mov es, ax
        mov byte [es:0], 'M'
        cmp byte [es:0], 'M'
        jne .bad
        mov ah, 49h
        int 21h
        call result
        mov ah, 48h
        mov bx, 0FFFFh
        int 21h
        call result
        mov al, bh                  ; the largest block in paragraphs: 8000h (A000h - 2000h)
        call hex8
        mov al, bl
        call hex8
        print crlf
        exit 0
.bad:   exit 1
crlf    db 13, 10, "$"
